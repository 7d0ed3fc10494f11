import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { Browser } from './dashboard-browser';
import { testFiles } from '../../support/files';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import { addUser } from '../../../src/auth/users';
import type { IsoDate } from '../../../src/calendar/dates';
import {
  agencyWorkflowId,
  type AgencyObligationsInput,
  type AttachmentRef,
} from '../../../src/workflows/obligation-types';
import { statusQuery, submitUpdate } from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';
import { stateLabel } from '../../../src/web/dashboard/i18n';
import { findProgram } from '../../../src/programs/find';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
const PROGRAM_TITLE = findProgram(PROGRAM).definition.title.vi;
// Plan 99 in 2027: the annual plan is requested on Fri 15/01, reminded on 29/01, 03/02 and 12/02, due
// Fri 12/02; overdue notice Mon 15/02, head Wed 17/02, leadership Fri 19/02.
const AGENCIES = [
  { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
  { code: 'SO-TP', name: 'Sở Tư pháp', group: 'department' },
  { code: 'SO-GDDT', name: 'Sở Giáo dục và Đào tạo', group: 'department' },
  { code: 'UBND-P-DIENBIENPHU', name: 'Ủy ban nhân dân phường Điện Biên Phủ', group: 'commune_committee' },
];

/** The form of one action on an agency page: its URL and hidden fields (CSRF token, one-time key). */
function actionForm(
  html: string,
  action: string,
  milestone = 'annual-plan',
): { url: string; fields: Record<string, string> } {
  const re = new RegExp(
    `<form class="stack" method="post" action="([^"]+/${action})(\\?lang=en)?">([\\s\\S]*?)</form>`,
  );
  const m = re.exec(html);
  if (!m) throw new Error(`no ${action} form`);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(m[3]!)?.[1] ?? '';
  expect(field('milestone')).toBe(milestone);
  return { url: m[1]!, fields: { _csrf: field('_csrf'), key: field('key'), milestone } };
}

/** Matrix rows: agency code → the states of its cells. */
function matrixStates(html: string): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  for (const m of html.matchAll(/<tr data-agency="([^"]+)">([\s\S]*?)<\/tr>/g)) {
    rows[m[1]!] = [...m[2]!.matchAll(/data-state="([^"]+)"/g)].map((s) => s[1]!);
  }
  return rows;
}

/** The counts table's row of one state: the count per milestone column. */
function countsOf(html: string, state: string): number[] {
  const row = new RegExp(`<tr data-state="${state}">([\\s\\S]*?)</tr>`).exec(html)![1]!;
  return [...row.matchAll(/<td[^>]*>(\d+)<\/td>/g)].map((m) => Number(m[1]));
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The coordinators' dashboard over HTTP against real agency workflows (time-skipping test server, real
 * worker and activities, real SMTP server, SQLite): the matrix with its states (reminded and escalated
 * from the notification log), filters and counts, the agency page with its timeline and downloads, and
 * the coordinator's actions with their audit trail; viewers and forged forms change nothing.
 */
describe('the coordinators’ dashboard on a running cycle', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  const files = testFiles();
  const taskQueue = 'dashboard-cycle';
  const handles = new Map<string, WorkflowHandle>();
  const coordinator = () => new Browser(base);
  let huong: Browser;
  let viewer: Browser;
  let agencyPath: string;
  const ytId = agencyWorkflowId(PROGRAM, YEAR, 'SO-YT');
  const attachmentBytes = Buffer.from('%PDF-1.4\nKế hoạch số 12/KH-SYT\n');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'dashboard_cycle');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      temporal: env.client,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    await addUser(database.db, {
      login: 'huong',
      name: 'Lò Thị Hương',
      role: 'coordinator',
      password: 'Mường Thanh 2027',
    });
    await addUser(database.db, {
      login: 'xem',
      name: 'Quàng Văn Xem',
      role: 'viewer',
      password: 'chỉ xem thôi nhé',
    });
    await addUser(database.db, {
      login: 'kiemtra',
      name: 'Cà Văn Kiểm',
      role: 'inspector',
      password: 'kiểm tra 2027!',
    });

    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;
    for (const agency of AGENCIES) {
      const input: AgencyObligationsInput = {
        cycleId: seeded.cycleId,
        program: PROGRAM,
        year: YEAR,
        programVersionId: seeded.programVersionId,
        agency,
        milestones: [annual],
        calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
        clock: { originMs: localInstant(seeded.plan.startsOn, 7), scale: 1 },
        closesOn: seeded.plan.endsOn,
      };
      const workflowId = agencyWorkflowId(PROGRAM, YEAR, agency.code);
      handles.set(
        agency.code,
        await env.client.workflow.start(agencyObligations, { taskQueue, workflowId, args: [input] }),
      );
    }
    await advanceTo('2027-01-20', 10);
    await waitFor(
      'the four requests',
      async () =>
        (await database.db.prisma.notification.count({
          where: { status: 'sent', step: 'annual-plan:r0:request' },
        })) === 4,
    );
    // Sở Y tế sends its plan with a file, as the portal does: the file stored under its sha256.
    await submit('SO-YT', 'Kế hoạch số 12/KH-SYT năm 2027', true);

    huong = coordinator();
    await huong.login('huong', 'Mường Thanh 2027');
    viewer = new Browser(base);
    await viewer.login('xem', 'chỉ xem thôi nhé');
    agencyPath = `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-YT`;
  });

  afterAll(async () => {
    for (const handle of handles.values()) await handle.terminate('test done').catch(() => undefined);
    await app?.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  /** Lets (skipped) time run until a local date and hour of the calendar. */
  async function advanceTo(date: IsoDate, hour = 12): Promise<void> {
    const handle = handles.get('SO-YT')!;
    const { clock } = await handle.query(statusQuery);
    const calendarNow = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    const delta = localInstant(date, hour) - calendarNow;
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta / clock.scale);
  }

  async function submit(code: string, summary: string, withFile = false): Promise<void> {
    let attachments: AttachmentRef[] | undefined;
    if (withFile) {
      const sha256 = createHash('sha256').update(attachmentBytes).digest('hex');
      const storagePath = `${sha256.slice(0, 2)}/${sha256}.pdf`;
      mkdirSync(join(files.root, sha256.slice(0, 2)), { recursive: true });
      writeFileSync(join(files.root, storagePath), attachmentBytes);
      attachments = [
        {
          fileName: 'Kế hoạch số 12 (bản ký).pdf',
          contentType: 'application/pdf',
          sizeBytes: attachmentBytes.length,
          sha256,
          storagePath,
        },
      ];
    }
    await handles.get(code)!.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary, attachments }],
    });
  }

  async function stage(code: string): Promise<string> {
    return (await handles.get(code)!.query(statusQuery)).obligations[0]!.stage;
  }

  const matrixPath = () => `/quan-ly/chu-ky/${seeded.cycleId}`;

  it('lists the cycle with its program, year, status and counts', async () => {
    const html = await viewer.html('/quan-ly');
    expect(html).toContain(`href="/quan-ly/chu-ky/${seeded.cycleId}"`);
    // Named as people name it: its title and document number, not its code.
    expect(html).toContain(`>${PROGRAM_TITLE}</a>`);
    expect(html).toContain('<small class="muted">Kế hoạch số 99/KH-UBND</small>');
    expect(html).not.toContain('>dien-bien-kh99<');
    expect(html).toContain('<td>Đang chạy</td>');
    expect(html).toContain('<td>4</td>');
    expect(html).toContain('Đã nộp, chờ xem xét: 1');
    expect(html).toContain('Đã đề nghị: 3');
  });

  it('shows the matrix: one row per agency, cells coloured by state and linking to the agency page, with a legend', async () => {
    const html = await viewer.html(matrixPath());
    expect(matrixStates(html)).toEqual({
      'SO-YT': ['submitted'],
      'SO-TP': ['requested'],
      'SO-GDDT': ['requested'],
      'UBND-P-DIENBIENPHU': ['requested'],
    });
    expect(html).toContain('<th>Kế hoạch triển khai</th>');
    expect(html).toContain(`href="/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-YT#m-annual-plan"`);
    expect(html).toContain('class="cell s-submitted"');
    expect(html).toContain('Hạn 12/02/2027');
    for (const label of [
      'Chưa đến kỳ',
      'Đã đề nghị',
      'Đã nhắc',
      'Quá hạn',
      'Đã đôn đốc',
      'Đã trả lại',
      'Đã chấp nhận',
      'Được miễn',
      'Đã hủy',
    ]) {
      expect(html).toContain(`">${label}</li>`);
    }
    expect(countsOf(html, 'submitted')).toEqual([1]);
    expect(countsOf(html, 'requested')).toEqual([3]);
    const en = await viewer.html(`${matrixPath()}?lang=en`);
    expect(en).toContain('<th>Annual implementation plan</th>');
    expect(en).toContain('Department of Health');
    expect(en).toContain(`href="/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-YT?lang=en#m-annual-plan"`);
  });

  it('shows the agency page: due date, state, the timeline of emails and submissions, the Temporal link', async () => {
    const html = await viewer.html(agencyPath);
    expect(html).toContain('<h1>Sở Y tế</h1>');
    expect(html).toContain('<dt>Hạn</dt><dd>12/02/2027</dd>');
    expect(html).toContain('data-state="submitted">Đã nộp, chờ xem xét</span>');
    expect(html).toContain('<dt>Nêu tên trong báo cáo</dt><dd>Không</dd>');
    expect(html).toContain(
      'href="http://127.0.0.1:8233/namespaces/default/workflows/cycle%3Adien-bien-kh99%3A2027%3ASO-YT"',
    );
    expect(html).toContain('Thư đã gửi: Đề nghị');
    expect(html).toContain('ha.tt@soyt.dienbien.example');
    expect(html).toContain('Văn bản nộp — Số tiếp nhận 2027-SO-YT-annual-plan-1');
    expect(html).toContain('Người chịu trách nhiệm: Trần Thanh Hà. Kế hoạch số 12/KH-SYT năm 2027');
    expect(html).toMatch(/<a href="\/quan-ly\/tep\/\d+" download>Kế hoạch số 12 \(bản ký\)\.pdf<\/a>/);
    // A viewer sees no action forms.
    expect(html).toContain('Bạn chỉ có quyền xem.');
    expect(html).not.toContain('name="key"');
  });

  it('shows emails the mail server has not taken yet: a notice on the matrix, the retries on the agency page', async () => {
    const matrixPath = `/quan-ly/chu-ky/${seeded.cycleId}`;
    expect(await viewer.html(matrixPath)).not.toContain('data-mail-backlog');
    // The notification log as a send leaves it while the SMTP server refuses: pending, attempts, the error.
    const workflowId = agencyWorkflowId('dien-bien-kh99', 2027, 'SO-YT');
    const row = await database.db.prisma.notification.create({
      data: {
        idempotencyKey: `${workflowId}:annual-plan:r0:remind-now-1-1:ha.tt@soyt.dienbien.example`,
        workflowId,
        cycleId: seeded.cycleId,
        milestoneKey: 'annual-plan',
        step: 'annual-plan:r0:remind-now-1-1',
        recipient: 'ha.tt@soyt.dienbien.example',
        status: 'pending',
        attempts: 3,
        error: 'connect ECONNREFUSED 127.0.0.1:2525',
      },
    });
    try {
      expect(await viewer.html(matrixPath)).toContain(
        '<p class="refused" role="status" data-mail-backlog>1 thư chưa gửi được: máy chủ thư chưa nhận, hệ thống đang tự gửi lại.',
      );
      expect(await viewer.html(`${matrixPath}?lang=en`)).toContain(
        '1 email not sent yet: the mail server has not taken it, and sending is being retried.',
      );
      const agency = await viewer.html(agencyPath);
      expect(agency).toContain('Thư chưa gửi được, đang tự gửi lại (đã thử 3 lần)');
      expect(agency).toContain('ha.tt@soyt.dienbien.example — connect ECONNREFUSED 127.0.0.1:2525');
    } finally {
      await database.db.prisma.notification.delete({ where: { id: row.id } });
    }
    expect(await viewer.html(matrixPath)).not.toContain('data-mail-backlog');
  });

  it('serves an attachment as a download only, and refuses a stored path that leaves the file root', async () => {
    const attachment = await database.db.prisma.attachment.findFirstOrThrow();
    const res = await viewer.fetch(`/quan-ly/tep/${attachment.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Ke hoach so 12 _ban ky_.pdf"; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2012%20%28b%E1%BA%A3n%20k%C3%BD%29.pdf`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(attachmentBytes)).toBe(true);

    // A name stored with a bidi override and another extension is downloaded without the one and with
    // the stored type's extension ("hoso<U+202E>fdp.exe" would read "hosoexe.pdf").
    const misleading = await database.db.prisma.attachment.create({
      data: { ...attachment, id: undefined, createdAt: undefined, fileName: 'hoso\u202efdp.exe' },
    });
    const renamed = await viewer.fetch(`/quan-ly/tep/${misleading.id}`);
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('content-disposition')).toBe(
      `attachment; filename="hosofdp.exe.pdf"; filename*=UTF-8''hosofdp.exe.pdf`,
    );
    await renamed.arrayBuffer();
    await database.db.prisma.attachment.delete({ where: { id: misleading.id } });

    // Without a session: to the login page, no file.
    expect((await fetch(`${base}/quan-ly/tep/${attachment.id}`, { redirect: 'manual' })).status).toBe(303);

    writeFileSync(join(files.root, '..', `outside-${attachment.id}.txt`), 'không được đọc');
    for (const storagePath of [
      '../../../../../etc/passwd',
      `../outside-${attachment.id}.txt`,
      '/etc/passwd',
      'ab/../../x',
    ]) {
      const bad = await database.db.prisma.attachment.create({
        data: { ...attachment, id: undefined, createdAt: undefined, storagePath },
      });
      const refused = await viewer.fetch(`/quan-ly/tep/${bad.id}`);
      expect({ storagePath, status: refused.status }).toEqual({ storagePath, status: 404 });
      const body = await refused.text();
      expect(body).not.toContain('root:');
      expect(body).not.toContain('không được đọc');
      await database.db.prisma.attachment.delete({ where: { id: bad.id } });
    }
    expect((await viewer.fetch('/quan-ly/tep/999999')).status).toBe(404);
  });

  it('refuses a viewer’s or an inspector’s action with 403, changing nothing', async () => {
    const form = actionForm(await huong.html(agencyPath), 'accept');
    const auditsBefore = await database.db.prisma.auditEvent.count();
    for (const who of [
      viewer,
      await (async () => {
        const b = new Browser(base);
        await b.login('kiemtra', 'kiểm tra 2027!');
        return b;
      })(),
    ]) {
      const html = await who.html(agencyPath);
      const _csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      const res = await who.post(form.url, { ...form.fields, _csrf });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain(
        'Tài khoản của bạn không có quyền thực hiện thao tác này. Không có gì thay đổi.',
      );
    }
    expect(await stage('SO-YT')).toBe('submitted');
    expect(await database.db.prisma.auditEvent.count()).toBe(auditsBefore);
    expect(
      (await database.db.prisma.obligation.findFirstOrThrow({ where: { agency: { code: 'SO-YT' } } })).status,
    ).toBe('submitted');
  });

  it('refuses a coordinator’s action without, or with a wrong, CSRF token (403), changing nothing', async () => {
    const form = actionForm(await huong.html(agencyPath), 'accept');
    const auditsBefore = await database.db.prisma.auditEvent.count();
    const { _csrf, ...withoutToken } = form.fields;
    expect(_csrf).not.toBe('');
    const missing = await huong.post(form.url, withoutToken);
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain(
      'Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Không có gì thay đổi.',
    );
    const wrong = await huong.post(form.url, { ...form.fields, _csrf: `${_csrf!.slice(0, -4)}AAAA` });
    expect(wrong.status).toBe(403);
    // A page on another site cannot read the token; a token without the matching secret cookie fails too.
    const noCookie = await fetch(`${base}${form.url}`, {
      method: 'POST',
      body: new URLSearchParams(form.fields),
      headers: { cookie: `phoihop_session=${huong.cookies.get('phoihop_session')}` },
      redirect: 'manual',
    });
    expect(noCookie.status).toBe(403);
    expect(await stage('SO-YT')).toBe('submitted');
    expect(await database.db.prisma.auditEvent.count()).toBe(auditsBefore);
  });

  it('refuses a form whose fields are not the page’s (sent twice, a number in JSON) with the 400 page, changing nothing', async () => {
    const form = actionForm(await huong.html(agencyPath), 'return');
    const auditsBefore = await database.db.prisma.auditEvent.count();
    const invalidForm = 'Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Không có gì thay đổi.';
    // The reason sent twice: not one text, so not a reason left empty (which would be a refusal, audited).
    const twice = new URLSearchParams({ ...form.fields, until: '2027-02-26' });
    twice.append('reason', 'Thiếu phần kinh phí');
    twice.append('reason', 'Thiếu phụ lục');
    const sentTwice = await huong.fetch(form.url, { method: 'POST', body: twice });
    expect(sentTwice.status).toBe(400);
    expect(await sentTwice.text()).toContain(invalidForm);
    const json = await huong.fetch(`${form.url}?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...form.fields, reason: 42 }),
    });
    expect(json.status).toBe(400);
    expect(await json.text()).toContain(
      'The form has expired or was not sent from this site. Nothing was changed.',
    );
    // An action the dashboard does not have: the not-found page.
    const unknown = await huong.post(form.url.replace(/\/return$/, '/delete'), {
      ...form.fields,
      reason: 'x',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Trang hoặc tệp này không tồn tại.');
    expect(await stage('SO-YT')).toBe('submitted');
    expect(await database.db.prisma.auditEvent.count()).toBe(auditsBefore);
  });

  it('returns a submission with a reason (a double click returns once), then accepts the resubmission; both audited', async () => {
    const form = actionForm(await huong.html(agencyPath), 'return');
    const fields = { ...form.fields, reason: 'Thiếu phần kinh phí thực hiện', until: '2027-02-26' };
    const first = await huong.post(form.url, fields);
    expect(first.status).toBe(303);
    const location = first.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${agencyPath}\\?ket-qua=\\d+#m-annual-plan$`));
    const again = await huong.post(form.url, fields);
    expect(again.headers.get('location')).toBe(location);

    const status = await handles.get('SO-YT')!.query(statusQuery);
    expect(status.obligations[0]).toMatchObject({ stage: 'returned', due: '2027-02-26', round: 1 });
    expect(status.obligations[0]!.notes.filter((n) => n.startsWith('returned by'))).toEqual([
      'returned by coordinator:huong, new due date 2027-02-26: Thiếu phần kinh phí thực hiện',
    ]);
    const audits = await database.db.prisma.auditEvent.findMany({ where: { action: 'obligation.return' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor: 'coordinator:huong',
      subject: `${ytId}:annual-plan`,
      details: expect.objectContaining({
        outcome: 'done',
        reason: 'Thiếu phần kinh phí thực hiện',
        until: '2027-02-26',
        due: '2027-02-26',
      }),
    });
    const page = await huong.html(location.split('#')[0]!);
    expect(page).toContain(
      '<p class="done" role="status">Đã thực hiện: Trả lại để hoàn thiện – Kế hoạch triển khai.</p>',
    );
    expect(page).toContain('data-state="returned">Đã trả lại</span>');
    expect(page).toContain('<dt>Hạn</dt><dd>26/02/2027</dd>');
    expect(page).toContain('Trả lại để hoàn thiện (coordinator:huong)');
    expect(page).toContain('Lý do: Thiếu phần kinh phí thực hiện');

    // Returning again: nothing is waiting for review; the refusal is shown and audited.
    const twice = actionFormOrUndefined(page, 'return');
    expect(twice).toBeUndefined(); // the page no longer offers it…
    const forced = await huong.post(form.url, { ...fields, key: randomUUID() }); // …and a stale form is refused
    expect(forced.status).toBe(303);
    const refusedPage = await huong.html(forced.headers.get('location')!.split('#')[0]!);
    expect(refusedPage).toContain(
      '<p class="refused" role="status">Bị từ chối: Trả lại để hoàn thiện – Kế hoạch triển khai. Không có văn bản nào đang chờ xem xét.</p>',
    );
    const refusal = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'obligation.return' },
      orderBy: { id: 'desc' },
    });
    expect(refusal.details).toMatchObject({
      outcome: 'refused',
      refusal: '"annual-plan" has no submission waiting for review',
      // The code and values the page translates, as the workflow refused with them.
      refusalCode: 'no-submission-waiting',
      refusalValues: { milestone: 'annual-plan' },
    });

    await submit('SO-YT', 'Kế hoạch số 12/KH-SYT (bổ sung kinh phí)');
    const accept = actionForm(await huong.html(agencyPath), 'accept');
    const accepted = await huong.post(accept.url, accept.fields);
    expect(accepted.status).toBe(303);
    expect(await stage('SO-YT')).toBe('accepted');
    const acceptedPage = await huong.html(accepted.headers.get('location')!.split('#')[0]!);
    expect(acceptedPage).toContain('Đã thực hiện: Chấp nhận – Kế hoạch triển khai.');
    expect(acceptedPage).toContain('data-state="accepted">Đã chấp nhận</span>');
    expect(acceptedPage).toContain('Số tiếp nhận 2027-SO-YT-annual-plan-2');
    expect(
      (
        await database.db.prisma.auditEvent.findMany({
          where: { subject: `${ytId}:annual-plan` },
          orderBy: { id: 'asc' },
        })
      ).map((a) => [a.actor, a.action, (a.details as { outcome: string }).outcome]),
    ).toEqual([
      ['coordinator:huong', 'obligation.return', 'done'],
      ['coordinator:huong', 'obligation.return', 'refused'],
      ['coordinator:huong', 'obligation.accept', 'done'],
    ]);
    await waitFor('the returned and accepted emails', async () => {
      const steps = (
        await database.db.prisma.notification.findMany({ where: { workflowId: ytId, status: 'sent' } })
      ).map((n) => n.step);
      return steps.includes('annual-plan:r1:returned') && steps.includes('annual-plan:r1:accepted');
    });
  });

  it('shows the workflow’s refusal of an extension clearly, and reminds now', async () => {
    const tpPath = `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-TP`;
    const form = actionForm(await huong.html(tpPath), 'extend');
    const res = await huong.post(form.url, {
      ...form.fields,
      until: '2027-01-18',
      reason: 'Đơn vị xin thêm thời gian',
    });
    expect(res.status).toBe(303);
    const page = await huong.html(res.headers.get('location')!.split('#')[0]!);
    expect(page).toContain(
      'Bị từ chối: Gia hạn – Kế hoạch triển khai. Hạn mới 18/01/2027 không sau ngày hôm nay (20/01/2027).',
    );
    const en = await huong.html(`${res.headers.get('location')!.split('#')[0]!}&lang=en`);
    expect(en).toContain(
      'Refused: Extend – Annual implementation plan. The new due date 18/01/2027 is not after today (20/01/2027).',
    );
    expect((await handles.get('SO-TP')!.query(statusQuery)).obligations[0]!.due).toBe('2027-02-12');

    const noReason = actionForm(page, 'waive');
    const refused = await huong.post(noReason.url, { ...noReason.fields, reason: ' ' });
    expect(await huong.html(refused.headers.get('location')!.split('#')[0]!)).toContain(
      'Bị từ chối: Miễn thực hiện – Kế hoạch triển khai. Cần nêu lý do.',
    );
    expect(await stage('SO-TP')).toBe('requested');

    const ward = `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/UBND-P-DIENBIENPHU`;
    const remind = actionForm(await huong.html(ward), 'remind');
    const reminded = await huong.post(remind.url, remind.fields);
    expect(await huong.html(reminded.headers.get('location')!.split('#')[0]!)).toContain(
      'Đã thực hiện: Nhắc ngay – Kế hoạch triển khai.',
    );
    await waitFor(
      'the reminder sent now',
      async () =>
        (await database.db.prisma.notification.count({
          where: {
            workflowId: agencyWorkflowId(PROGRAM, YEAR, 'UBND-P-DIENBIENPHU'),
            status: 'sent',
            step: { contains: ':remind' },
          },
        })) > 0,
    );
    expect(matrixStates(await viewer.html(matrixPath()))['UBND-P-DIENBIENPHU']).toEqual(['reminded']);
  });

  it('extends a due date (moved to the next working day) and waives an obligation, each audited', async () => {
    const path = `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-GDDT`;
    const extend = actionForm(await huong.html(path), 'extend');
    const extended = await huong.post(extend.url, {
      ...extend.fields,
      until: '2027-03-06', // a Saturday
      reason: 'Chờ kết quả sáp nhập trường học',
    });
    const page = await huong.html(extended.headers.get('location')!.split('#')[0]!);
    expect(page).toContain('Đã thực hiện: Gia hạn – Kế hoạch triển khai.');
    expect(page).toContain('<dt>Hạn</dt><dd>08/03/2027</dd>');
    expect(page).toContain('Lý do: Chờ kết quả sáp nhập trường học · Hạn mới: 06/03/2027 · Hạn: 08/03/2027');
    const waive = actionForm(page, 'waive');
    const waived = await huong.post(waive.url, {
      ...waive.fields,
      reason: 'Đơn vị không có nhiệm vụ này năm 2027',
    });
    const after = await huong.html(waived.headers.get('location')!.split('#')[0]!);
    expect(after).toContain('Đã thực hiện: Miễn thực hiện – Kế hoạch triển khai.');
    expect(after).toContain('data-state="waived">Được miễn</span>');
    expect(after).not.toContain('name="key"'); // nothing more to do
    expect(await stage('SO-GDDT')).toBe('waived');
    const audits = await database.db.prisma.auditEvent.findMany({
      where: { subject: `${agencyWorkflowId(PROGRAM, YEAR, 'SO-GDDT')}:annual-plan` },
      orderBy: { id: 'asc' },
    });
    expect(audits.map((a) => [a.actor, a.action, a.details])).toEqual([
      [
        'coordinator:huong',
        'obligation.extend',
        expect.objectContaining({ outcome: 'done', until: '2027-03-06', due: '2027-03-08' }),
      ],
      [
        'coordinator:huong',
        'obligation.waive',
        expect.objectContaining({ outcome: 'done', reason: 'Đơn vị không có nhiệm vụ này năm 2027' }),
      ],
    ]);
  });

  it('shows reminded cells once reminders went out, with filters by state, group and name, and counts', async () => {
    await advanceTo('2027-02-01');
    await waitFor(
      'the reminder of 29/01 to Sở Tư pháp',
      async () =>
        (await database.db.prisma.notification.count({
          where: {
            workflowId: agencyWorkflowId(PROGRAM, YEAR, 'SO-TP'),
            status: 'sent',
            step: 'annual-plan:r0:remind-5',
          },
        })) === 1,
    );
    const html = await viewer.html(matrixPath());
    expect(matrixStates(html)).toEqual({
      'SO-YT': ['accepted'],
      'SO-TP': ['reminded'],
      'SO-GDDT': ['waived'],
      'UBND-P-DIENBIENPHU': ['reminded'],
    });
    expect(countsOf(html, 'waived')).toEqual([1]);
    expect(countsOf(html, 'reminded')).toEqual([2]);
    expect(countsOf(html, 'accepted')).toEqual([1]);
    expect(countsOf(html, 'requested')).toEqual([0]);
    // The cycles list counts as the matrix does (reminded from the notification log, not "requested").
    const list = await viewer.html('/quan-ly');
    expect(list).toContain(`${stateLabel('reminded', 'vi')}: 2`);
    expect(list).not.toContain(`${stateLabel('requested', 'vi')}: `);

    const reminded = await viewer.html(`${matrixPath()}?state=reminded`);
    expect(Object.keys(matrixStates(reminded))).toEqual(['SO-TP', 'UBND-P-DIENBIENPHU']);
    expect(reminded).toContain('<option value="reminded" selected>');
    const communes = await viewer.html(`${matrixPath()}?group=commune_committee`);
    expect(Object.keys(matrixStates(communes))).toEqual(['UBND-P-DIENBIENPHU']);
    expect(countsOf(communes, 'reminded')).toEqual([1]);
    expect(countsOf(communes, 'accepted')).toEqual([0]);
    // Search by name, with or without diacritics, or by code.
    for (const q of ['tư pháp', 'tu phap', 'so-tp']) {
      expect(
        Object.keys(matrixStates(await viewer.html(`${matrixPath()}?q=${encodeURIComponent(q)}`))),
      ).toEqual(['SO-TP']);
    }
    const none = await viewer.html(`${matrixPath()}?state=cancelled`);
    expect(none).toContain('Không có đơn vị nào khớp bộ lọc.');
  });

  it('shows escalated cells once the ladder reached the heads, and the flag on the agency page', async () => {
    await advanceTo('2027-02-22');
    await waitFor(
      'the escalations to the heads',
      async () =>
        (await database.db.prisma.notification.count({
          where: { status: 'sent', step: 'annual-plan:r0:escalate-head' },
        })) >= 2,
    );
    await waitFor(
      'the leadership escalation (flag)',
      async () => (await database.db.prisma.obligation.count({ where: { flagged: true } })) === 2,
    );
    const html = await viewer.html(matrixPath());
    expect(matrixStates(html)).toEqual({
      'SO-YT': ['accepted'],
      'SO-TP': ['escalated'],
      'SO-GDDT': ['waived'],
      'UBND-P-DIENBIENPHU': ['escalated'],
    });
    expect(countsOf(html, 'escalated')).toEqual([2]);
    expect(countsOf(html, 'overdue')).toEqual([0]);
    expect(Object.keys(matrixStates(await viewer.html(`${matrixPath()}?state=escalated&lang=en`)))).toEqual([
      'SO-TP', // Department of Justice
      'UBND-P-DIENBIENPHU', // People's Committee of Điện Biên Phủ ward
    ]);
    const tp = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-TP`);
    expect(tp).toContain('data-state="escalated">Đã đôn đốc</span>');
    expect(tp).toContain('<span class="flag">⚑ Có</span>');
    expect(tp).toContain('Thư đã gửi: Đôn đốc');
    expect(tp).toContain('Đơn vị xin thêm thời gian');
    expect(await viewer.html('/quan-ly')).toContain(`${stateLabel('escalated', 'vi')}: 2`);
  });

  it('offers no action on a closed cycle, and says why', async () => {
    const open = await huong.html(`/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-TP`);
    expect(actionFormOrUndefined(open, 'remind')).toBeDefined();
    await database.db.prisma.cycle.update({ where: { id: seeded.cycleId }, data: { status: 'cancelled' } });
    try {
      const closed = await huong.html(`/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-TP`);
      for (const action of ['remind', 'extend', 'waive', 'accept', 'return']) {
        expect(actionFormOrUndefined(closed, action)).toBeUndefined();
      }
      expect(closed).toContain('Chu trình này đã kết thúc: các nhiệm vụ không còn thao tác được nữa.');
      const en = await huong.html(`/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-TP?lang=en`);
      expect(en).toContain('This cycle has ended: its obligations can no longer be acted on.');
    } finally {
      await database.db.prisma.cycle.update({ where: { id: seeded.cycleId }, data: { status: 'running' } });
    }
  });
});

function actionFormOrUndefined(html: string, action: string) {
  try {
    return actionForm(html, action);
  } catch {
    return undefined;
  }
}
