import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadPrograms, parseProgram } from '../../../src/programs/load';
import { registerProgramVersion } from '../../../src/programs/store';
import { buildWebServer } from '../../../src/web/server';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { projectRoot } from '../../support/tools';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening, loggedIn, USERS } from './dashboard-browser';

/** 10:00 on Sunday 29 November 2026 in Vietnam: the server's "now" (so the preview year is 2027). */
const NOW = Date.UTC(2026, 10, 29, 3, 0);
const PLAN99 = loadPrograms().find((p) => p.definition.code === 'dien-bien-kh99')!;

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');

/** The editor form's fields as the page holds them (inputs, the selected rule, the YAML text). */
function editorFields(html: string): Record<string, string> {
  const form = /<form class="stack editor-form"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input name="([^"]+)"[^>]*? value="([^"]*)"/g))
    fields[m[1]!] = unescape(m[2]!);
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[m[1]!] = unescape(m[2]!);
  fields.start_rule = /<option value="(\w+)" selected>/.exec(form)![1]!;
  fields.rest = unescape(/<textarea name="rest"[^>]*>([\s\S]*?)<\/textarea>/.exec(form)![1]!);
  return fields;
}

/** The messages shown next to each field, and those of the YAML part by path. */
function problems(html: string) {
  const byField: Record<string, string[]> = {};
  for (const m of html.matchAll(/<span class="field-error" data-field="([^"]+)">([^<]*)<\/span>/g)) {
    (byField[m[1]!] ??= []).push(unescape(m[2]!));
  }
  const rest = [...html.matchAll(/<li data-path="([^"]*)">([\s\S]*?)<\/li>/g)].map((m) => ({
    path: m[1]!,
    message: unescape(m[2]!.replace(/^<code>[^<]*<\/code>: /, '')),
  }));
  return { byField, rest };
}

/** The YAML part of a domestic-violence prevention plan: two reports a year, its own figures, a two-step ladder. */
function violencePlanRest(): string {
  return readFileSync(join(projectRoot, 'test/fixtures/program-violence-rest.yaml'), 'utf8');
}

/**
 * The program pages over HTTP (SQLite, the real loader and store): the library with the shipped seed,
 * versions saved from the editor (who, when, what changed), the version check between two coordinators,
 * the difference between versions, export → same hash, import into the forms, a new program with its
 * year at a glance, invalid forms refused field by field with nothing stored, and viewers read-only.
 */
describe('dashboard programs', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let huong: Browser;
  let lan: Browser;
  let viewer: Browser;
  const files = testFiles();
  const versions = (code: string) =>
    database.db.prisma.programVersion.count({ where: { program: { code } } });

  /** Posts the editor form (multipart) with the page's token and the given changes. */
  async function submit(who: Browser, editorUrl: string, changes: Record<string, string>, intent = 'save') {
    const html = await who.html(editorUrl);
    const fields = { ...editorFields(html), ...changes, intent };
    return who.postMultipart('/quan-ly/chuong-trinh/luu', fields);
  }

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'dashboard_programs');
    app = buildWebServer({ db: database.db, links: TEST_LINKS, files, now: () => NOW });
    const base = await listening(app);
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

  it('lists the shipped file as a seed, then its stored versions', async () => {
    let html = await viewer.html('/quan-ly/chuong-trinh');
    expect(html).toContain('<li data-seed="dien-bien-kh99">');
    expect(html).toContain('<a href="/quan-ly/chuong-trinh">Chương trình</a>');
    expect(html).not.toContain('data-new="blank"'); // a viewer is offered no editing
    await registerProgramVersion(database.db, PLAN99.definition, PLAN99.hash);
    html = await viewer.html('/quan-ly/chuong-trinh');
    expect(html).toContain('<tr data-code="dien-bien-kh99">');
    expect(html).not.toContain('data-seed=');
    const page = await viewer.html('/quan-ly/chuong-trinh/dien-bien-kh99');
    expect(page).toContain('<tr data-version="1">');
    expect(page).toContain('Nạp từ tệp chương trình');
  });

  it('saves an edit as a new version with who and why, and shows what changed', async () => {
    const res = await submit(huong, '/quan-ly/chuong-trinh/dien-bien-kh99/sua', {
      title_vi: 'Kế hoạch xây dựng gia đình (sửa đổi)',
      note: 'Đổi tên kế hoạch',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/quan-ly/chuong-trinh/dien-bien-kh99?da-luu=2');
    expect(await versions('dien-bien-kh99')).toBe(2);
    const page = await viewer.html('/quan-ly/chuong-trinh/dien-bien-kh99?da-luu=2');
    expect(page).toContain('Đã lưu phiên bản 2 (huong).');
    expect(page).toMatch(/<tr data-version="2">[\s\S]*?huong[\s\S]*?Đổi tên kế hoạch/);
    const diff = await viewer.html('/quan-ly/chuong-trinh/dien-bien-kh99?tu=1&den=2');
    expect([...diff.matchAll(/<tr data-path="([^"]+)">/g)].map((m) => m[1])).toEqual(['title.vi']);
    expect(diff).toContain('Kế hoạch xây dựng gia đình (sửa đổi)');
    // Saving the same content again makes no version.
    const again = await submit(huong, '/quan-ly/chuong-trinh/dien-bien-kh99/sua', {});
    expect(again.headers.get('location')).toBe('/quan-ly/chuong-trinh/dien-bien-kh99?khong-doi=2');
    expect(await versions('dien-bien-kh99')).toBe(2);
  });

  it('refuses a save on top of a version someone else has replaced, with a clear message', async () => {
    const lansPage = await lan.html('/quan-ly/chuong-trinh/dien-bien-kh99/sua');
    const first = await submit(huong, '/quan-ly/chuong-trinh/dien-bien-kh99/sua', { request_days: '14' });
    expect(first.status).toBe(303);
    const res = await lan.postMultipart('/quan-ly/chuong-trinh/luu', {
      ...editorFields(lansPage),
      reminders: '4, 1, 0',
      intent: 'save',
    });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('trong lúc bạn sửa, huong đã lưu phiên bản 3');
    expect(editorFields(html).reminders).toBe('4, 1, 0'); // what Lan wrote is kept to copy
    expect(await versions('dien-bien-kh99')).toBe(3);
  });

  it('exports a version to a file that loads to the same hash, and opens an uploaded file in the forms', async () => {
    const res = await viewer.fetch('/quan-ly/chuong-trinh/dien-bien-kh99/phien-ban/3/tep');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('dien-bien-kh99-v3.yaml');
    const text = await res.text();
    const stored = await database.db.prisma.programVersion.findFirstOrThrow({
      where: { version: 3, program: { code: 'dien-bien-kh99' } },
    });
    const loaded = parseProgram(text, 'exported.yaml');
    expect(loaded.hash).toBe(stored.contentHash);
    expect(loaded.definition.report).toEqual(PLAN99.definition.report);
    const _csrf = Browser.csrfOf(await huong.html('/quan-ly/chuong-trinh'));
    const opened = await huong.postMultipart(
      '/quan-ly/chuong-trinh/nhap',
      { _csrf },
      { file: ['dien-bien-kh99-v3.yaml', Buffer.from(text, 'utf8')] },
    );
    expect(opened.status).toBe(200);
    const fields = editorFields(await opened.text());
    expect(fields).toMatchObject({ code: 'dien-bien-kh99', request_days: '14', base: '3' });
    const wrongType = await huong.postMultipart(
      '/quan-ly/chuong-trinh/nhap',
      { _csrf },
      { file: ['plan.docx', Buffer.from('x')] },
    );
    expect(wrongType.status).toBe(415);
  });

  it('refuses an invalid new program field by field and stores nothing', async () => {
    const before = await database.db.prisma.programVersion.count();
    const audits = await database.db.prisma.auditEvent.count();
    const rest = violencePlanRest()
      .replace('  - key: bao-cao-nam', '  - key: bao-cao-6-thang')
      .replace('Kính gửi: {{ agency_name }}. Hạn', 'Kính gửi: {{ ten_don_vi }}. Hạn')
      .replace(
        'to: { month: 12, day: 14 }\n    due: { after: { event: period-end, workingDays: 2 } }',
        'to: { month: 12, day: 14 }\n    due: { fixed: { month: 1, day: 20, yearOffset: 1 } }',
      );
    const res = await submit(huong, '/quan-ly/chuong-trinh/moi', {
      code: 'phong-chong-bao-luc-gia-dinh',
      request_days: '5',
      reminders: '5, 2, 0',
      rest,
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    const { byField, rest: listed } = problems(html);
    expect(html).toContain('Chưa lưu: còn');
    expect(byField.reminders?.join(' ')).toMatch(/nhắc hạn trước hạn 5 ngày làm việc lại sớm hơn/);
    expect(listed).toEqual(
      expect.arrayContaining([
        {
          path: 'milestones[1].key',
          message: 'Mã mốc “bao-cao-6-thang” bị trùng: mỗi mốc cần một mã riêng.',
        },
        expect.objectContaining({
          path: 'templates.thu.body.vi',
          message: expect.stringContaining('“ten_don_vi”'),
        }),
      ]),
    );
    expect(await database.db.prisma.programVersion.count()).toBe(before);
    expect(await database.db.prisma.auditEvent.count()).toBe(audits);
    // The due date in the next year is refused by the plan of the preview year (2027).
    const outside = await submit(huong, '/quan-ly/chuong-trinh/moi', {
      code: 'phong-chong-bao-luc-gia-dinh',
      rest: violencePlanRest().replace(
        'to: { month: 12, day: 14 }\n    due: { after: { event: period-end, workingDays: 2 } }',
        'to: { month: 12, day: 14 }\n    due: { fixed: { month: 1, day: 20, yearOffset: 1 } }',
      ),
    });
    expect(outside.status).toBe(422);
    expect(problems(await outside.text()).rest).toEqual([
      {
        path: 'milestones[1].due',
        message: expect.stringContaining('Hạn của mốc “bao-cao-nam” trong năm 2027 rơi vào ngày 2028-01-20'),
      },
    ]);
    expect(await database.db.prisma.programVersion.count()).toBe(before);
  });

  it('creates a new program and draws its year', async () => {
    const preview = await submit(
      huong,
      '/quan-ly/chuong-trinh/moi',
      {
        code: 'phong-chong-bao-luc-gia-dinh',
        title_vi: 'Kế hoạch phòng, chống bạo lực gia đình',
        title_en: 'Domestic violence prevention plan',
        rest: violencePlanRest(),
        year: '2027',
      },
      'preview',
    );
    const html = await preview.text();
    expect(preview.status).toBe(200);
    expect(html).toContain('Biểu mẫu hợp lệ.');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toMatch(/data-off="tet"/);
    expect(html).toMatch(/<g data-event="due" data-date="2027-06-17">/); // 14/6 (Mon) + 3 working days
    expect(html).toContain('data-template="thu"');
    expect(await versions('phong-chong-bao-luc-gia-dinh')).toBe(0);
    const fields = { ...editorFields(html), intent: 'save', note: 'Kế hoạch mới' };
    const saved = await huong.postMultipart('/quan-ly/chuong-trinh/luu', fields);
    expect(saved.status).toBe(303);
    expect(await versions('phong-chong-bao-luc-gia-dinh')).toBe(1);
    // The same code again is refused (a new program cannot take over an existing one).
    const twice = await huong.postMultipart('/quan-ly/chuong-trinh/luu', { ...fields, title_en: 'Other' });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('đã có chương trình mã “phong-chong-bao-luc-gia-dinh”');
  });

  it('lets viewers read but not edit', async () => {
    expect((await viewer.fetch('/quan-ly/chuong-trinh/dien-bien-kh99/sua')).status).toBe(403);
    expect((await viewer.fetch('/quan-ly/chuong-trinh/moi')).status).toBe(403);
    const _csrf = Browser.csrfOf(await viewer.html('/quan-ly/chuong-trinh'));
    const res = await viewer.postMultipart('/quan-ly/chuong-trinh/luu', { _csrf, intent: 'save' });
    expect(res.status).toBe(403);
  });
});
