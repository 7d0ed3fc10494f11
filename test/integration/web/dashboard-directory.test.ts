import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { importDirectory, parseDirectoryCsv } from '../../../src/directory/import';
import { listRevisions } from '../../../src/directory/revisions';
import { buildWebServer } from '../../../src/web/server';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { projectRoot } from '../../support/tools';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening, loggedIn, USERS } from './dashboard-browser';

const FIXTURE = join(projectRoot, 'test/fixtures/directory-small.csv');
const [HEADER, ...LINES] = readFileSync(FIXTURE, 'utf8').trim().split('\n') as [string, ...string[]];
/** 10:00 on Sunday 29 November 2026 in Vietnam: the server's "now". */
const NOW = Date.UTC(2026, 10, 29, 3, 0);
const YT_FOCAL = 'ha.tt@soyt.dienbien.example';

/** A directory CSV: the fixture's header and the given lines. */
function csv(lines: string[]): Buffer {
  return Buffer.from(`${HEADER}\n${lines.join('\n')}\n`, 'utf8');
}

/** The contact edit form of one contact on an agency page: its action and hidden fields. */
function contactForm(html: string, email: string): { url: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form class="stack" method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  const form = forms.find((m) => m[2]!.includes(`name="currentEmail" value="${email}"`));
  if (!form) throw new Error(`no edit form for ${email}`);
  const field = (name: string) => new RegExp(`name="${name}"[^>]* value="([^"]*)"`).exec(form[2]!)?.[1] ?? '';
  return {
    url: form[1]!.replace(/&amp;/g, '&'),
    fields: {
      _csrf: field('_csrf'),
      role: field('role'),
      currentEmail: field('currentEmail'),
      name: field('name'),
      email: field('email'),
      phone: field('phone'),
    },
  };
}

/** The problem rows of a preview page: [line, column, code, message]. */
function issueRows(html: string): string[][] {
  return [...html.matchAll(/<tr data-line="[^"]*" data-field="[^"]*">([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!),
  );
}

/** The codes listed in one change table of a preview page ("added", "removed", "changed"). */
function changedCodes(html: string, kind: string): string[] {
  const table = new RegExp(`data-kind="${kind}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr data-code="([^"]+)">/g)].map((m) => m[1]!);
}

/**
 * The directory pages of the dashboard over HTTP (SQLite, real directory code): the list and an agency's
 * contacts for every role, contact edits by coordinators only (audited, errors per field), and imports:
 * upload → preview (bad rows named, nothing applied) → apply the previewed file (a revision), a stale
 * preview refused, CSRF on every POST, size and type limits on the upload.
 */
describe('dashboard directory management', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  let huong: Browser;
  let viewer: Browser;
  /** A second coordinator. */
  let lan: Browser;
  const files = testFiles();
  const keptFiles = () => {
    const dir = join(files.root, 'tmp', 'danh-ba');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const revisions = async () => (await listRevisions(database.db.prisma)).map((r) => r.effectiveFrom);
  const audits = () => database.db.prisma.auditEvent.count();
  const focalOf = async (code: string) =>
    database.db.prisma.contact.findFirstOrThrow({ where: { agency: { code }, role: 'focal_point' } });

  /** Uploads a directory file from the import page, with that page's CSRF token. */
  async function upload(name: string, bytes: Uint8Array, effectiveFrom: string, who = huong) {
    const _csrf = Browser.csrfOf(await who.html('/quan-ly/danh-ba/nhap'));
    return who.postMultipart('/quan-ly/danh-ba/nhap', { _csrf, effectiveFrom }, { file: [name, bytes] });
  }

  /** The apply form of a preview page. */
  function applyForm(html: string): Record<string, string> | undefined {
    const form = /<form method="post" action="\/quan-ly\/danh-ba\/nhap\/ap-dung">([\s\S]*?)<\/form>/.exec(
      html,
    );
    if (!form) return undefined;
    return {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form[1]!)![1]!,
      upload: /name="upload" value="([^"]+)"/.exec(form[1]!)![1]!,
    };
  }

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'dashboard_directory');
    await importDirectory(database.db, parseDirectoryCsv(readFileSync(FIXTURE), 'directory-small.csv'), {
      effectiveFrom: '2026-01-01',
    });
    app = buildWebServer({ db: database.db, links: TEST_LINKS, files, now: () => NOW });
    base = await listening(app);
    huong = await loggedIn(base, database.db, USERS.coordinator);
    viewer = await loggedIn(base, database.db, USERS.viewer);
    lan = await loggedIn(base, database.db, {
      login: 'lan',
      name: 'Vì Thị Lan',
      role: 'coordinator',
      password: 'Đồi A1 năm 2027',
    } as never);
  });

  afterAll(async () => {
    await app?.close();
    files.remove();
    await database?.drop();
  });

  it('lists the agencies in force with their contacts, searchable, with the navigation', async () => {
    const html = await viewer.html('/quan-ly/danh-ba');
    expect([...html.matchAll(/<tr data-agency="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'SO-TP',
      'SO-VHTTDL',
      'SO-YT',
      'UBND-P-DIENBIENPHU',
    ]);
    expect(html).toContain('Các đơn vị có hiệu lực ngày 29/11/2026.');
    expect(html).toContain('<strong>Cán bộ đầu mối:</strong> Trần Thanh Hà – ha.tt@soyt.dienbien.example');
    expect(html).toContain('<td>UBND cấp xã</td>');
    expect(html).toContain(
      '<a href="/quan-ly">Các chu trình</a> <a href="/quan-ly/danh-ba">Danh bạ đơn vị</a>',
    );
    expect(html).toContain('<a href="/quan-ly/tai-khoan">Quàng Văn Xem</a> (xem, Người xem)');
    expect(html).not.toContain('/quan-ly/danh-ba/nhap'); // a viewer is not offered the import
    const found = await viewer.html(`/quan-ly/danh-ba?q=${encodeURIComponent('dien bien phu')}`);
    expect([...found.matchAll(/<tr data-agency="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'UBND-P-DIENBIENPHU',
    ]);
    const en = await viewer.html('/quan-ly/danh-ba?q=health&lang=en');
    expect([...en.matchAll(/<tr data-agency="([^"]+)">/g)].map((m) => m[1])).toEqual(['SO-YT']);
    expect(en).toContain('>Department of Health</a>');
    expect(en).toContain('<strong>Focal point:</strong>');
    expect(en).toContain('href="/quan-ly/danh-ba?lang=en">Agency directory</a>');
    const agency = await viewer.html('/quan-ly/danh-ba/don-vi/UBND-P-DIENBIENPHU?lang=en');
    expect(agency).toContain('<h1>Ủy ban nhân dân phường Điện Biên Phủ</h1>');
    expect(agency).toContain('<dt>English name</dt><dd>People&#39;s Committee of Điện Biên Phủ ward</dd>');
    expect(agency).toContain('<legend>Head</legend>');
    expect(agency).toContain('You can read the directory only.');
    expect((await viewer.fetch('/quan-ly/danh-ba/don-vi/KHONG-CO')).status).toBe(404);
  });

  it('lets a coordinator edit a contact: saved, audited, shown', async () => {
    const page = await huong.html('/quan-ly/danh-ba/don-vi/SO-YT');
    expect(page).toContain('<h1>Sở Y tế</h1>');
    const form = contactForm(page, YT_FOCAL);
    expect(form.fields).toMatchObject({ role: 'focal_point', name: 'Trần Thanh Hà', email: YT_FOCAL });
    const before = await audits();
    const res = await huong.post(form.url, {
      ...form.fields,
      name: 'Trần Thị Thanh Hà',
      email: 'Ha.TTT@soyt.dienbien.example',
      phone: '0215 3825 123',
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/quan-ly\/danh-ba\/don-vi\/SO-YT\?da-luu=\d+$/);
    expect(await audits()).toBe(before + 1);
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(event).toMatchObject({
      actor: 'coordinator:huong',
      action: 'directory.contact.edit',
      subject: 'agency:SO-YT',
      details: expect.objectContaining({
        role: 'focal_point',
        effectiveFrom: '2026-11-29',
        before: { name: 'Trần Thanh Hà', email: YT_FOCAL, phone: null },
        after: { name: 'Trần Thị Thanh Hà', email: 'ha.ttt@soyt.dienbien.example', phone: '0215 3825 123' },
      }),
    });
    expect(await focalOf('SO-YT')).toMatchObject({
      name: 'Trần Thị Thanh Hà',
      email: 'ha.ttt@soyt.dienbien.example',
    });
    const after = await huong.html(location);
    expect(after).toContain('Đã lưu thay đổi liên hệ (Cán bộ đầu mối, coordinator:huong).');
    expect(after).toContain('Trần Thị Thanh Hà – <a href="mailto:ha.ttt@soyt.dienbien.example">');
    expect(await revisions()).toEqual(['2026-01-01', '2026-11-29']);
  });

  it('shows a contact edit’s errors by field and changes nothing', async () => {
    const form = contactForm(
      await huong.html('/quan-ly/danh-ba/don-vi/SO-TP'),
      'on.vv@sotp.dienbien.example',
    );
    const before = await audits();
    const bad = await huong.post(form.url, { ...form.fields, name: ' ', email: 'không-phải-email' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('Chưa lưu: hãy sửa các lỗi dưới đây. Không có gì thay đổi.');
    expect(html).toContain('<span class="field-error" data-field="name">Cần nhập họ và tên.</span>');
    expect(html).toContain(
      '<span class="field-error" data-field="email">“không-phải-email” không phải là địa chỉ email hợp lệ.</span>',
    );
    expect(html).toContain('value="không-phải-email"'); // what was typed is kept
    const date = await huong.post(form.url, { ...form.fields, effectiveFrom: '2026-13-01' });
    expect(date.status).toBe(422);
    expect(await date.text()).toContain(
      'data-field="effectiveFrom">“2026-13-01” không phải là ngày hợp lệ (dạng YYYY-MM-DD).</span>',
    );
    expect(await audits()).toBe(before);
    expect(await focalOf('SO-TP')).toMatchObject({ name: 'Vì Văn Ơn', email: 'on.vv@sotp.dienbien.example' });
  });

  it('refuses a viewer’s contact edit and import (403), changing nothing; a viewer sees no forms', async () => {
    const page = await viewer.html('/quan-ly/danh-ba/don-vi/SO-TP');
    expect(page).toContain('Bạn chỉ có quyền xem danh bạ.');
    expect(page).not.toContain('name="currentEmail"');
    const form = contactForm(
      await huong.html('/quan-ly/danh-ba/don-vi/SO-TP'),
      'on.vv@sotp.dienbien.example',
    );
    const before = await audits();
    const res = await viewer.post(form.url, {
      ...form.fields,
      _csrf: Browser.csrfOf(page),
      name: 'Người lạ',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Tài khoản của bạn không có quyền thực hiện thao tác này.');
    expect((await viewer.fetch('/quan-ly/danh-ba/nhap')).status).toBe(403);
    const upload = await viewer.postMultipart(
      '/quan-ly/danh-ba/nhap',
      { _csrf: Browser.csrfOf(page), effectiveFrom: '2026-12-01' },
      { file: ['danh-ba.csv', csv(LINES)] },
    );
    expect(upload.status).toBe(403);
    expect(await audits()).toBe(before);
    expect(await focalOf('SO-TP')).toMatchObject({ name: 'Vì Văn Ơn' });
    expect(keptFiles()).toEqual([]);
  });

  it('refuses POSTs without, or with a wrong, CSRF token (403), changing nothing', async () => {
    const form = contactForm(
      await huong.html('/quan-ly/danh-ba/don-vi/SO-TP'),
      'on.vv@sotp.dienbien.example',
    );
    const before = { audits: await audits(), revisions: await revisions() };
    const { _csrf, ...withoutToken } = form.fields;
    const csrfBody = 'Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Không có gì thay đổi.';
    const edit = await huong.post(form.url, { ...withoutToken, name: 'Không có mã' });
    expect(edit.status).toBe(403);
    expect(await edit.text()).toContain(csrfBody);
    for (const token of [undefined, `${_csrf!.slice(0, -4)}AAAA`]) {
      const res = await huong.postMultipart(
        '/quan-ly/danh-ba/nhap',
        { ...(token ? { _csrf: token } : {}), effectiveFrom: '2026-12-01' },
        { file: ['danh-ba.csv', csv(LINES.slice(1))] },
      );
      expect(res.status).toBe(403);
      expect(await res.text()).toContain(csrfBody);
    }
    const apply = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', {
      upload: '00000000-0000-4000-8000-000000000000',
    });
    expect(apply.status).toBe(403);
    expect(await audits()).toBe(before.audits);
    expect(await revisions()).toEqual(before.revisions);
    expect(keptFiles()).toEqual([]);
    expect(await focalOf('SO-TP')).toMatchObject({ name: 'Vì Văn Ơn' });
  });

  it('refuses an oversized or wrong-type upload with a clear message, changing nothing', async () => {
    const before = await revisions();
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 'a');
    const tooLarge = await upload('danh-ba.csv', big, '2026-12-01');
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).toContain('Tệp lớn hơn 5 MB. Không có gì thay đổi.');
    const pdf = await upload('danh-ba.pdf', Buffer.from('%PDF-1.4\n'), '2026-12-01');
    expect(pdf.status).toBe(415);
    expect(await pdf.text()).toContain(
      '“danh-ba.pdf” không phải là tệp CSV, văn bản Unicode (.txt) hoặc XLSX.',
    );
    const _csrf = Browser.csrfOf(await huong.html('/quan-ly/danh-ba/nhap'));
    const none = await huong.postMultipart('/quan-ly/danh-ba/nhap', { _csrf, effectiveFrom: '2026-12-01' });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Cần chọn một tệp CSV hoặc XLSX.');
    // Named .xlsx but not a workbook: the preview says so, and offers nothing to apply.
    const fake = await upload('danh-ba.xlsx', Buffer.from('không phải bảng tính'), '2026-12-01');
    expect(fake.status).toBe(422);
    expect(applyForm(await fake.text())).toBeUndefined();
    expect(await revisions()).toEqual(before);
    expect(keptFiles()).toEqual([]);
  });

  it('previews a file with bad rows: problems by line and column, no apply button, nothing applied', async () => {
    const before = { audits: await audits(), revisions: await revisions() };
    const lines = [...LINES];
    lines[1] = lines[1]!.replace('pa.st@sovhttdl.dienbien.example', 'pa.st@@sovhttdl');
    lines[3] = lines[3]!.replace('commune_committee', 'xa_phuong');
    const res = await upload('danh-ba-loi.csv', csv(lines), '2026-12-01');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Tệp có 2 lỗi. Không có gì được áp dụng.');
    expect(issueRows(html)).toEqual([
      ['3', 'focal_point_email', 'SO-VHTTDL', '“pa.st@@sovhttdl” không phải là địa chỉ email hợp lệ.'],
      ['5', 'group', 'UBND-P-DIENBIENPHU', expect.stringContaining('xa_phuong')],
    ]);
    expect(applyForm(html)).toBeUndefined();
    expect(html).not.toContain('name="upload"');
    expect(await audits()).toBe(before.audits);
    expect(await revisions()).toEqual(before.revisions);
    expect(keptFiles()).toEqual([]);
  });

  it('refuses to apply a preview made stale by a contact edit, applying nothing', async () => {
    const lines = LINES.filter((l) => !l.startsWith('SO-TP,'));
    const preview = await upload('danh-ba-moi.csv', csv(lines), '2026-12-01');
    expect(preview.status).toBe(200);
    const form = applyForm(await preview.text())!;
    expect(keptFiles()).toHaveLength(2);
    // Meanwhile another coordinator changes a contact: the directory compared with is no longer in force.
    const edit = contactForm(
      await huong.html('/quan-ly/danh-ba/don-vi/SO-VHTTDL'),
      'pa.st@sovhttdl.dienbien.example',
    );
    expect((await huong.post(edit.url, { ...edit.fields, phone: '0215 3830 456' })).status).toBe(303);
    const before = { audits: await audits(), revisions: await revisions() };
    const res = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', form);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      'Danh bạ đã thay đổi sau khi bạn xem trước (một lần nhập khác hoặc sửa liên hệ). Không có gì được áp dụng.',
    );
    expect(await audits()).toBe(before.audits);
    expect(await revisions()).toEqual(before.revisions);
    expect(await database.db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-TP' } })).toMatchObject({
      effectiveTo: null,
    });
    expect(keptFiles()).toEqual([]);
  });

  it('previews a good XLSX file (the changes listed), then applies it: a revision, audited', async () => {
    const rows = LINES.filter((l) => !l.startsWith('SO-TP,')).map((l) =>
      l.replace('Trần Hữu Minh,minh.th@soyt', 'Trần Văn Minh,minh.tv@soyt'),
    );
    rows.push(
      'SO-NV,Sở Nội vụ,Department of Home Affairs,department,,Lò Văn Tâm,tam.lv@sonv.dienbien.example,Quàng Thị Mai,mai.qt@sonv.dienbien.example,,',
    );
    // The same rows as a workbook, as Excel would save it.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh bạ');
    sheet.addRow(HEADER.split(','));
    for (const record of parse(csv(rows), { from_line: 2 }) as string[][]) sheet.addRow(record);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

    const before = await revisions();
    const preview = await upload('Danh bạ tháng 12.xlsx', bytes, '2026-12-01');
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('Tệp “Danh bạ tháng 12.xlsx”, có hiệu lực từ 01/12/2026.');
    expect(changedCodes(html, 'added')).toEqual(['SO-NV']);
    expect(changedCodes(html, 'removed')).toEqual(['SO-TP']);
    // SO-VHTTDL and SO-YT: the file undoes the contact edits made above, and changes SO-YT's head.
    expect(changedCodes(html, 'changed')).toEqual(['SO-VHTTDL', 'SO-YT']);
    expect(html).toContain(
      'Thủ trưởng đơn vị (Thay đổi): Trần Hữu Minh, minh.th@soyt.dienbien.example → Trần Văn Minh, minh.tv@soyt.dienbien.example',
    );
    const form = applyForm(html)!;
    const res = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', form);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/quan-ly\/danh-ba\?ap-dung=\d+&ngay=2026-12-01$/);
    expect(await revisions()).toEqual([...before, '2026-12-01']);
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(event).toMatchObject({ actor: 'coordinator:huong', action: 'directory.import' });
    expect(await database.db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-TP' } })).toMatchObject({
      effectiveTo: new Date('2026-12-01T00:00:00.000Z'),
    });
    expect(await huong.html(location)).toContain(
      'Đã áp dụng danh bạ mới, có hiệu lực từ 01/12/2026: 4 đơn vị.',
    );
    expect(keptFiles()).toEqual([]);
    // The same form again: the preview is gone, nothing more is applied.
    const again = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', form);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('Bản xem trước này không còn');
    for (const upload of ['../../../etc/passwd', '', form.upload!.toUpperCase()]) {
      const forged = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', { ...form, upload });
      expect({ upload, status: forged.status }).toEqual({ upload, status: 410 });
    }
    expect(await revisions()).toEqual([...before, '2026-12-01']);
  });
  it('applies a preview only for the coordinator who made it; another one’s apply is refused, changing nothing', async () => {
    // SO-TP ceased in the import above (its code cannot come back); this file also ends SO-YT.
    const lines = LINES.filter((l) => !l.startsWith('SO-TP,') && !l.startsWith('SO-YT,'));
    const preview = await upload('danh-ba-cua-huong.csv', csv(lines), '2026-12-15');
    expect(preview.status).toBe(200);
    const form = applyForm(await preview.text())!;
    const before = { audits: await audits(), revisions: await revisions() };
    // Lan holds Hương's upload id (a shared screen, a forwarded form) and her own valid CSRF token.
    const _csrf = Browser.csrfOf(await lan.html('/quan-ly/danh-ba/nhap'));
    const theirs = await lan.post('/quan-ly/danh-ba/nhap/ap-dung', { _csrf, upload: form.upload! });
    expect(theirs.status).toBe(403);
    expect(await theirs.text()).toContain(
      'Bản xem trước này do huong tạo; chỉ người đã xem trước mới áp dụng được. Không có gì được áp dụng.',
    );
    expect(await audits()).toBe(before.audits);
    expect(await revisions()).toEqual(before.revisions);
    // The preview is still Hương's to apply.
    expect(keptFiles()).toHaveLength(2);
    const own = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', form);
    expect(own.status).toBe(303);
    expect(await revisions()).toEqual([...before.revisions, '2026-12-15']);
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(event).toMatchObject({ actor: 'coordinator:huong', action: 'directory.import' });
  });

  it('refuses the review’s XFD workbook quickly with a clear message, and keeps answering while a large workbook is read', async () => {
    // One cell at column XFD in each of 800 rows: 11 KB that took 26 s of blocked event loop and 3.4 GB.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh bạ');
    sheet.addRow(HEADER.split(','));
    for (let row = 2; row <= 801; row++) sheet.getRow(row).getCell(16_384).value = 'x';
    const xfd = Buffer.from(await workbook.xlsx.writeBuffer());
    const before = { audits: await audits(), revisions: await revisions() };
    const started = Date.now();
    const refused = await upload('danh-ba-xfd.xlsx', xfd, '2027-01-01');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(issueRows(html)).toEqual([
      [
        '2',
        '',
        '',
        'Ô XFD2 nằm ngoài cột thứ 64, quá xa bảng danh bạ: hãy xóa các cột sau bảng (giá trị hoặc định dạng ở xa bên phải) rồi lưu tệp lại.',
      ],
    ]);
    expect(applyForm(html)).toBeUndefined();

    // A large workbook (6,000 rows under a misspelt header, so that reading it is the work): while it is
    // read, the server answers other requests at once.
    const big = new ExcelJS.Workbook();
    const rows = big.addWorksheet('Danh bạ');
    rows.addRow(HEADER.replace('focal_point_email', 'focal_point_mail').split(','));
    const [record] = parse(csv(LINES.slice(0, 1)), { from_line: 2 }) as string[][];
    for (let i = 0; i < 6_000; i++) rows.addRow([`DV-${i}`, ...record!.slice(1)]);
    const bytes = Buffer.from(await big.xlsx.writeBuffer());
    let done = false;
    const reading = upload('danh-ba-lon.xlsx', bytes, '2027-01-01').finally(() => {
      done = true;
    });
    const waits: number[] = [];
    while (!done) {
      const asked = performance.now();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      if (!done) waits.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const res = await reading;
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('focal_point_mail');
    expect(waits.length).toBeGreaterThan(5);
    expect(Math.max(...waits)).toBeLessThan(500);
    expect(await audits()).toBe(before.audits);
    expect(await revisions()).toEqual(before.revisions);
    expect(keptFiles()).toEqual([]);
  });
});
