import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { EXE_BYTES, fixture, HTML_BYTES, minimalPdf, minimalXlsx } from '../../fixtures/files/documents';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { statusQuery } from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

const YEAR = 2027;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, relative to it. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

interface Upload {
  name: string;
  bytes: Buffer;
  /** What the browser claims (never believed). */
  type?: string;
}

/**
 * The 6-month report's form on the portal: figures checked against Plan 99's definitions, attachments
 * checked by content and stored once under their SHA-256, and every refusal leaves nothing behind: no
 * submission, no file, no temp file, no Update. Real Temporal (time-skipping), worker, SMTP and database.
 */
describe('the agency portal takes a report with figures and attachments', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  const files = testFiles({ maxFileBytes: 100 * 1024, maxFiles: 6 });
  let link: string;
  const taskQueue = 'agency-upload';
  const workflowId = agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-YT');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'agency_upload');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    const report = seeded.plan.milestones.find((m) => m.key === 'report-6m')!;
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => localInstant(report.requestOn, 10),
      temporal: env.client,
      // Submissions are stamped with the time-skipping server's time, the workflows' clock.
      receiptClock: () => env.currentTimeMs(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const input: AgencyObligationsInput = {
      cycleId: seeded.cycleId,
      program: 'dien-bien-kh99',
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
      milestones: [report],
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      // The workflow starts at 07:00 on the day the report is requested (08:00).
      clock: { originMs: localInstant(report.requestOn, 7), scale: 1 },
      closesOn: seeded.plan.endsOn,
    };
    await env.client.workflow.start(agencyObligations, { taskQueue, workflowId, args: [input] });
    await env.sleep('3 hours');
    const mail = new MailpitApi(smtp.apiUrl);
    const [request] = await mail.waitFor(() => true, 1);
    const text = (await mail.get(request!.ID)).Text;
    const found = /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(text);
    expect(found).not.toBeNull();
    link = `${base}${found![1]}`;
  });

  afterAll(async () => {
    await env?.client.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
    await app?.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  /** Posts the form as a browser does: multipart, files under "attachments" (no redirect following). */
  function post(fields: Record<string, string>, uploads: Upload[], url = link): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const u of uploads) {
      form.append('attachments', new Blob([u.bytes], { type: u.type ?? 'application/pdf' }), u.name);
    }
    return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  }

  const goodFields = () => ({
    key: randomUUID(),
    submittedBy: 'Trần Thanh Hà',
    summary: 'Báo cáo 6 tháng đầu năm 2027',
    'figure.events-held': '12',
    'figure.participants': '1 250',
    'figure.violence-cases': '',
    'figure.cultural-families': '87,5',
  });

  async function workflowSubmissions(): Promise<number> {
    const status = await env.client.workflow.getHandle(workflowId).query(statusQuery);
    return status.obligations[0]!.submissions.length;
  }

  /** Nothing recorded: no submission (database and workflow), no attachment, no file stored or left in tmp. */
  async function expectNothingChanged(stored: string[], submissions = 0): Promise<void> {
    expect(await database.db.prisma.submission.count()).toBe(submissions);
    expect(await workflowSubmissions()).toBe(submissions);
    expect(tree(files.root)).toEqual(stored);
  }

  it('shows the report’s figures with their units and required marks, and a file input', async () => {
    const html = await (await fetch(link)).text();
    expect(html).toContain('<form method="post" enctype="multipart/form-data">');
    expect(html).toContain(
      'Số cuộc tuyên truyền, hội nghị, tập huấn về công tác gia đình đã tổ chức (cuộc) <span class="required">(bắt buộc)</span>',
    );
    expect(html).toContain('Số lượt người tham gia (lượt người)<br>');
    expect(html).toContain('Tỷ lệ hộ gia đình đạt danh hiệu &#34;Gia đình văn hóa&#34; (%)');
    expect(html).toMatch(/name="figure\.events-held" inputmode="decimal" maxlength="30" value="" required>/);
    expect(html).toContain('<input type="file" name="attachments" multiple');
    expect(html).toContain('PDF, DOCX, XLSX hoặc ODT; tối đa 6 tệp, mỗi tệp không quá 100 KB.');
    const en = await (await fetch(`${link}?lang=en`)).text();
    expect(en).toContain('Communication events, meetings and trainings on family affairs held (events)');
    expect(en).toContain('<span class="required">(required)</span>');
  });

  it('refuses files that are not PDF, DOCX, XLSX or ODT by content, saying which file and why', async () => {
    const cases: [Upload[], number, string][] = [
      [
        [{ name: 'bao-cao.pdf', bytes: HTML_BYTES }],
        415,
        'Tệp “bao-cao.pdf” không phải là PDF, DOCX, XLSX hoặc ODT',
      ],
      [
        [{ name: 'setup.pdf', bytes: EXE_BYTES }],
        415,
        'Tệp “setup.pdf” không phải là PDF, DOCX, XLSX hoặc ODT',
      ],
      [
        [{ name: 'ke-hoach.docx', bytes: fixture('plain.zip') }],
        415,
        'Tệp “ke-hoach.docx” không phải là PDF',
      ],
      [[{ name: 'bang.odt', bytes: fixture('fake.odt') }], 415, 'Tệp “bang.odt” không phải là PDF'],
      [[{ name: 'macro.docx', bytes: fixture('macro.docm') }], 415, 'Tệp “macro.docx” có chứa macro'],
      // A valid file with a refused one: neither is stored.
      [
        [
          { name: 'good.pdf', bytes: minimalPdf('good') },
          { name: 'page.pdf', bytes: HTML_BYTES },
        ],
        415,
        'Tệp “page.pdf” không phải là PDF',
      ],
      [[{ name: 'empty.pdf', bytes: Buffer.alloc(0) }], 400, 'Tệp “empty.pdf” trống (0 byte).'],
      [
        [{ name: 'big.pdf', bytes: Buffer.concat([minimalPdf(), Buffer.alloc(100 * 1024)]) }],
        413,
        'Tệp “big.pdf” lớn hơn giới hạn 100 KB mỗi tệp.',
      ],
      [
        Array.from({ length: 7 }, (_, i) => ({ name: `f${i}.pdf`, bytes: minimalPdf(`f${i}`) })),
        413,
        'Chỉ được đính kèm tối đa 6 tệp mỗi lần gửi; đã chọn 7 tệp.',
      ],
      // Past the parser's ceiling (20 files a request).
      [
        Array.from({ length: 22 }, (_, i) => ({ name: `g${i}.pdf`, bytes: minimalPdf(`g${i}`) })),
        413,
        'Chỉ được đính kèm tối đa 6 tệp mỗi lần gửi; đã chọn quá nhiều tệp.',
      ],
      [
        [
          { name: '../../etc/passwd.pdf', bytes: HTML_BYTES },
          { name: '..\\x.pdf', bytes: EXE_BYTES },
        ],
        415,
        'Tệp “passwd.pdf” không phải là PDF',
      ],
    ];
    for (const [uploads, status, message] of cases) {
      const res = await post(goodFields(), uploads);
      const html = await res.text();
      expect({ name: uploads[0]!.name, status: res.status, says: html.includes(message) }).toEqual({
        name: uploads[0]!.name,
        status,
        says: true,
      });
      // Only that problem: the rest of the form was read and is fine.
      expect(html).not.toContain('Biểu mẫu không hợp lệ');
      // The form comes back with what was typed (files must be chosen again).
      expect(html).toContain('value="Trần Thanh Hà"');
      expect(html).toContain('Vui lòng chọn lại tệp đính kèm');
      await expectNothingChanged([]);
    }
    const en = await post(goodFields(), [{ name: 'bao-cao.pdf', bytes: HTML_BYTES }], `${link}?lang=en`);
    expect(en.status).toBe(415);
    expect(await en.text()).toContain(
      '“bao-cao.pdf” is not a PDF, DOCX, XLSX or ODT file (checked by its content, not its name or extension).',
    );
    await expectNothingChanged([]);
  });

  it('refuses files that act when opened, saying which file and why, and stores nothing', async () => {
    const cases: [string, string][] = [
      ['excel4-macro.xlsm', 'có trang macro Excel 4.0'],
      ['excel4-renamed.xlsx', 'có trang macro Excel 4.0'],
      ['remote-template.docx', 'có liên kết tới tệp bên ngoài'],
      ['external-image.xlsx', 'có liên kết tới tệp bên ngoài'],
      ['ole-object.docx', 'có nhúng đối tượng OLE hoặc ActiveX'],
      ['activex.docx', 'có nhúng đối tượng OLE hoặc ActiveX'],
      ['basic-macro.odt', 'có chứa macro (Basic hoặc script)'],
      ['script-macro.odt', 'có chứa macro (Basic hoặc script)'],
      ['pdf-truncated.pdf', 'là PDF bị hỏng, chưa tải hết hoặc không kiểm tra được'],
      ['pdf-openaction-js.pdf', 'là PDF có mã JavaScript'],
      ['pdf-launch.pdf', 'là PDF có mã JavaScript, lệnh mở chương trình'],
      ['pdf-embedded-file.pdf', 'là PDF có mã JavaScript, lệnh mở chương trình hoặc tệp đính kèm bên trong'],
      ['pdf-objstm-js.pdf', 'là PDF có mã JavaScript'],
    ];
    for (const [name, reason] of cases) {
      const res = await post(goodFields(), [{ name, bytes: fixture(name) }]);
      const html = await res.text();
      expect({ name, status: res.status, says: html.includes(`Tệp “${name}” ${reason}`) }).toEqual({
        name,
        status: 415,
        says: true,
      });
      expect(html).toContain('value="Trần Thanh Hà"');
      await expectNothingChanged([]);
    }
    // The name shown has no bidi override: "x<RLO>fdp.docx" would read "xxcod.pdf".
    const bidi = await post(
      goodFields(),
      [{ name: 'x\u202efdp.docx', bytes: fixture('remote-template.docx') }],
      `${link}?lang=en`,
    );
    expect(bidi.status).toBe(415);
    const english = await bidi.text();
    expect(english).toContain(
      '“xfdp.docx” links to outside files (a template, picture or data fetched from elsewhere when it is opened)',
    );
    expect(english).not.toContain('\u202e');
    await expectNothingChanged([]);
  });

  it('checks the figures against the program: required ones present, numbers that read one way', async () => {
    const pdf = [{ name: 'bao-cao.pdf', bytes: minimalPdf() }];
    const cases: [Record<string, string>, string][] = [
      [
        { 'figure.events-held': '' },
        'Vui lòng nhập số liệu “Số cuộc tuyên truyền, hội nghị, tập huấn về công tác gia đình đã tổ chức”.',
      ],
      [{ 'figure.participants': '12abc' }, '“Số lượt người tham gia”: không phải là một số.'],
      [{ 'figure.participants': '1.250' }, '“Số lượt người tham gia”: cách viết không rõ'],
      [{ 'figure.events-held': '12,5' }, 'phải là số nguyên'],
      [{ 'figure.violence-cases': '-3' }, '“Số vụ bạo lực gia đình được phát hiện”: không được là số âm.'],
      [{ 'figure.cultural-families': '120' }, 'tỷ lệ phải từ 0 đến 100.'],
    ];
    for (const [override, message] of cases) {
      const res = await post({ ...goodFields(), ...override }, pdf);
      const html = await res.text();
      expect({ override, status: res.status, says: html.includes(message) }).toEqual({
        override,
        status: 400,
        says: true,
      });
      // What was typed stays in the form.
      for (const [name, value] of Object.entries(override)) {
        expect(html).toContain(`name="${name}" inputmode="decimal" maxlength="30" value="${value}"`);
      }
      await expectNothingChanged([]);
    }
    const en = await post({ ...goodFields(), 'figure.participants': 'nhiều' }, pdf, `${link}?lang=en`);
    expect(await en.text()).toContain(
      '“Participants (attendances)”: not a number. Valid examples: 12 or 12.5.',
    );
    await expectNothingChanged([]);
  });

  it('refuses a post with an altered or cut link before reading anything: nothing stored, no Update', async () => {
    const token = link.split('/').at(-1)!;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const otherAgency = `${header}.${Buffer.from(JSON.stringify({ ...claims, a: 'SO-TP' })).toString('base64url')}.${signature}`;
    const cases: [string, number, string][] = [
      [otherAgency, 403, 'đã bị sửa đổi hoặc không do hệ thống này cấp'],
      [`${token.slice(0, -3)}abc`, 403, 'đã bị sửa đổi'],
      [token.slice(0, 40), 400, 'không đầy đủ hoặc bị cắt'],
    ];
    for (const [bad, status, message] of cases) {
      const res = await post(
        goodFields(),
        [{ name: 'a.pdf', bytes: minimalPdf('tampered') }],
        `${base}/nhiem-vu/${bad}`,
      );
      expect({ status: res.status, says: (await res.text()).includes(message) }).toEqual({
        status,
        says: true,
      });
      await expectNothingChanged([]);
    }
  });

  let stored: string[];

  it('stores each file once under its SHA-256, names sanitised, and sends figures and references in the Update', async () => {
    const pdfA = minimalPdf('Bao cao 6 thang');
    const pdfB = minimalPdf('Phu luc');
    const docx = fixture('minimal.docx');
    const xlsx = await minimalXlsx();
    const odt = fixture('minimal.odt');
    const uploads: Upload[] = [
      { name: '../../etc/passwd.pdf', bytes: pdfA },
      { name: '..\\x.pdf', bytes: pdfB, type: 'text/html' },
      { name: 'Kế hoạch.docx', bytes: docx, type: 'application/octet-stream' },
      // Stored under the extension of what it is, and without the bidi override.
      { name: 'so-lieu.xls', bytes: xlsx },
      { name: 'bao-cao\u202e.odt', bytes: odt },
      { name: 'copy.pdf', bytes: pdfA },
    ];
    const fields = goodFields();
    const res = await post(fields, uploads);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/\?receipt=2027-SO-YT-report-6m-1$/);

    const submission = await database.db.prisma.submission.findFirstOrThrow({
      include: { attachments: { orderBy: { id: 'asc' } } },
    });
    expect(submission.figures).toEqual({ 'events-held': 12, participants: 1250, 'cultural-families': 87.5 });
    const path = (b: Buffer, ext: string) => `${sha(b).slice(0, 2)}/${sha(b)}.${ext}`;
    expect(
      submission.attachments.map(({ fileName, contentType, sizeBytes, sha256, storagePath }) => ({
        fileName,
        contentType,
        sizeBytes,
        sha256,
        storagePath,
      })),
    ).toEqual([
      {
        fileName: 'passwd.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdfA.length,
        sha256: sha(pdfA),
        storagePath: path(pdfA, 'pdf'),
      },
      {
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdfB.length,
        sha256: sha(pdfB),
        storagePath: path(pdfB, 'pdf'),
      },
      {
        fileName: 'Kế hoạch.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        sizeBytes: docx.length,
        sha256: sha(docx),
        storagePath: path(docx, 'docx'),
      },
      {
        fileName: 'so-lieu.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        sizeBytes: xlsx.length,
        sha256: sha(xlsx),
        storagePath: path(xlsx, 'xlsx'),
      },
      {
        fileName: 'bao-cao.odt',
        contentType: 'application/vnd.oasis.opendocument.text',
        sizeBytes: odt.length,
        sha256: sha(odt),
        storagePath: path(odt, 'odt'),
      },
      {
        fileName: 'copy.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdfA.length,
        sha256: sha(pdfA),
        storagePath: path(pdfA, 'pdf'),
      },
    ]);
    // Five distinct contents, five files, byte for byte; nothing else (no temp file, nothing by its name).
    stored = [
      path(pdfA, 'pdf'),
      path(pdfB, 'pdf'),
      path(docx, 'docx'),
      path(xlsx, 'xlsx'),
      path(odt, 'odt'),
    ].sort();
    expect(tree(files.root)).toEqual(stored);
    expect(readFileSync(join(files.root, path(xlsx, 'xlsx')))).toEqual(xlsx);
    expect(existsSync('/etc/passwd.pdf')).toBe(false);
    expect(existsSync(join(files.root, '..', 'x.pdf'))).toBe(false);

    // The workflow has the figures and the file names.
    const status = await env.client.workflow.getHandle(workflowId).query(statusQuery);
    expect(status.obligations[0]!.submissions[0]).toMatchObject({
      receiptNumber: '2027-SO-YT-report-6m-1',
      figures: { 'events-held': 12, participants: 1250, 'cultural-families': 87.5 },
      attachments: ['passwd.pdf', 'x.pdf', 'Kế hoạch.docx', 'so-lieu.xlsx', 'bao-cao.odt', 'copy.pdf'],
    });

    // The page's history: receipt, who, figures in Vietnamese notation, files with sizes.
    const html = await (await fetch(`${base}${location}`)).text();
    expect(html).toContain('Đã tiếp nhận. Số tiếp nhận: 2027-SO-YT-report-6m-1.');
    expect(html).toMatch(
      /<td[^>]*>2027-SO-YT-report-6m-1<\/td><td[^>]*>\d\d\/\d\d\/2027<\/td><td[^>]*>Trần Thanh Hà<\/td>/,
    );
    expect(html).toContain(
      'Số cuộc tuyên truyền, hội nghị, tập huấn về công tác gia đình đã tổ chức: 12 cuộc',
    );
    expect(html).toContain('Số lượt người tham gia: 1250 lượt người');
    expect(html).toContain('&#34;Gia đình văn hóa&#34;: 87,5%');
    expect(html).toContain(`passwd.pdf (${pdfA.length} B)`);
    expect(html).toMatch(/so-lieu\.xlsx \(\d+,\d KB\)/);
    expect(html).toContain('Đang chờ xem xét');
    expect(html).not.toContain('enctype="multipart/form-data"');

    // The same form again (double click, retry): the same receipt, one submission, one copy of each file.
    const again = await post(fields, uploads);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(location);
    expect(await database.db.prisma.attachment.count()).toBe(6);
    await expectNothingChanged(stored, 1);
  });

  it('refuses another form once the report is waiting for review, and keeps none of its files', async () => {
    const res = await post(goodFields(), [{ name: 'late.pdf', bytes: minimalPdf('another tab') }]);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Văn bản đã được gửi và đang chờ xem xét');
    await expectNothingChanged(stored, 1);
  });
});
