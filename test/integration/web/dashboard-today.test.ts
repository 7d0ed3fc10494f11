import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { Browser, listening } from './dashboard-browser';
import { testFiles } from '../../support/files';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import { addUser } from '../../../src/auth/users';
import type { IsoDate } from '../../../src/calendar/dates';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import {
  requestExtensionUpdate,
  statusQuery,
  submitUpdate,
} from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
// Plan 99 in 2027: the annual plan is requested on Fri 15/01, due Fri 12/02; overdue notice Mon 15/02,
// heads Wed 17/02.
const AGENCIES = [
  { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
  { code: 'SO-TP', name: 'Sở Tư pháp', group: 'department' },
  { code: 'SO-GDDT', name: 'Sở Giáo dục và Đào tạo', group: 'department' },
  { code: 'SO-NV', name: 'Sở Nội vụ', group: 'department' },
];

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The hidden fields and action of the form holding `marker` (a data attribute or a button's value). */
function formAround(html: string, marker: string): { url: string; fields: Record<string, string> } {
  for (const m of html.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
    if (!m[2]!.includes(marker)) continue;
    const fields: Record<string, string> = {};
    for (const h of m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      fields[h[1]!] = h[2]!;
    return { url: m[1]!.replace(/&amp;/g, '&'), fields };
  }
  throw new Error(`no form with ${marker}`);
}

/** The navigation's count beside "Hôm nay" (undefined when nothing waits). */
const navCount = (html: string) =>
  /data-nav="today">[^<]*<span class="badge"[^>]*>(\d+)<\/span>/.exec(html)?.[1];

/**
 * The today page over HTTP against real agency workflows (time-skipping test server, real worker and
 * activities, real SMTP server, SQLite): the submissions and the extension requests waiting, with the
 * count in the navigation; several submissions accepted in one form (once, under a double click); an
 * extension request granted through the workflow's Update, another denied; every overdue agency of a
 * milestone reminded at once; viewers see the page without forms and cannot act.
 */
describe('the today page on a running cycle', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  const files = testFiles();
  const taskQueue = 'dashboard-today';
  const handles = new Map<string, WorkflowHandle>();
  let huong: Browser;
  let viewer: Browser;
  /** The pages' present, moved with the workflows' clock. */
  let pageTime = localInstant('2027-01-20', 12);

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'dashboard_today_actions');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      temporal: env.client,
      now: () => pageTime,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    base = await listening(app);
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
    await advanceTo('2027-01-20', 12);
    await waitFor(
      'the four requests',
      async () =>
        (await database.db.prisma.notification.count({
          where: { status: 'sent', step: 'annual-plan:r0:request' },
        })) === 4,
    );
    for (const code of ['SO-YT', 'SO-TP']) {
      await handles.get(code)!.executeUpdate(submitUpdate, {
        args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: `Kế hoạch của ${code}` }],
      });
    }
    for (const [code, until] of [
      ['SO-GDDT', '2027-02-26'],
      ['SO-NV', '2027-03-05'],
    ] as const) {
      await handles.get(code)!.executeUpdate(requestExtensionUpdate, {
        args: [
          {
            milestone: 'annual-plan',
            until,
            reason: 'Chờ ý kiến của Bộ chủ quản',
            requestedBy: 'Lường Văn Minh',
          },
        ],
      });
    }
    await waitFor(
      'the two submissions in the read model',
      async () => (await database.db.prisma.obligation.count({ where: { status: 'submitted' } })) === 2,
    );
    huong = new Browser(base);
    await huong.login('huong', 'Mường Thanh 2027');
    viewer = new Browser(base);
    await viewer.login('xem', 'chỉ xem thôi nhé');
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

  /** Lets (skipped) time run until a local date and hour of the calendar; the pages follow. */
  async function advanceTo(date: IsoDate, hour = 12): Promise<void> {
    const handle = handles.get('SO-YT')!;
    const { clock } = await handle.query(statusQuery);
    const calendarNow = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    const delta = localInstant(date, hour) - calendarNow;
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta / clock.scale);
    pageTime = localInstant(date, hour);
  }

  const stage = async (code: string) => (await handles.get(code)!.query(statusQuery)).obligations[0]!;
  const audits = (action: string) => database.db.prisma.auditEvent.count({ where: { action } });

  it('is where a login leads, and shows the submissions and extension requests waiting, counted in the navigation', async () => {
    const b = new Browser(base);
    const _csrf = Browser.csrfOf(await b.html('/quan-ly/dang-nhap'));
    const res = await b.post('/quan-ly/dang-nhap', { _csrf, login: 'huong', password: 'Mường Thanh 2027' });
    expect(res.headers.get('location')).toBe('/quan-ly/hom-nay');

    const html = await huong.html('/quan-ly/hom-nay');
    expect(html).toContain('<h1>Việc cần xử lý hôm nay</h1>');
    expect(html).toContain('Tính đến ngày 20/01/2027 (theo lịch của chu trình).');
    expect(html).toContain('Văn bản đã nộp, chờ xem xét (2)');
    expect(html).toContain('Đề nghị gia hạn chờ quyết định (2)');
    expect(html).toContain('data-submission="SO-YT"');
    expect(html).toContain('data-submission="SO-TP"');
    expect(html).toContain('data-extension="SO-GDDT"');
    expect(html).toContain('26/02/2027');
    expect(navCount(html)).toBe('4');
    // The count is on every dashboard page, the cycles list too.
    expect(navCount(await huong.html('/quan-ly'))).toBe('4');
    // In English.
    const en = await huong.html('/quan-ly/hom-nay?lang=en');
    expect(en).toContain('<h1>What needs me today</h1>');
    expect(en).toContain('Extension requests waiting for a decision (2)');
  });

  it('shows a viewer the same items without a form, and refuses the viewer’s action', async () => {
    const html = await viewer.html('/quan-ly/hom-nay');
    expect(html).toContain('data-submission="SO-YT"');
    expect(html).toContain('Bạn chỉ có quyền xem');
    expect(html).not.toContain('action="/quan-ly/hom-nay/');
    const res = await viewer.post('/quan-ly/hom-nay/chap-nhan', {
      _csrf: Browser.csrfOf(html),
      key: crypto.randomUUID(),
      s1: `${seeded.cycleId}|SO-YT|annual-plan`,
    });
    expect(res.status).toBe(403);
    expect((await stage('SO-YT')).stage).toBe('submitted');
  });

  it('refuses an accept form with nothing ticked, and changes nothing', async () => {
    const html = await huong.html('/quan-ly/hom-nay');
    const form = formAround(html, 'name="s1"');
    const res = await huong.post(form.url, form.fields);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Chưa chọn văn bản nào.');
    expect(await audits('obligation.accept')).toBe(0);
  });

  it('accepts the two ticked submissions in one form, once under a double click', async () => {
    const html = await huong.html('/quan-ly/hom-nay');
    const form = formAround(html, 'name="s1"');
    const fields = {
      ...form.fields,
      s1: `${seeded.cycleId}|SO-YT|annual-plan`,
      s2: `${seeded.cycleId}|SO-TP|annual-plan`,
    };
    const [first, second] = await Promise.all([huong.post(form.url, fields), huong.post(form.url, fields)]);
    expect(first.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect((await stage('SO-YT')).stage).toBe('accepted');
    expect((await stage('SO-TP')).stage).toBe('accepted');
    expect(await audits('obligation.accept')).toBe(2);
    const page = await huong.html(first.headers.get('location')!);
    expect(page).toContain('Đã thực hiện: Chấp nhận – Sở Y tế');
    expect(page).toContain('Đã thực hiện: Chấp nhận – Sở Tư pháp');
    await waitFor(
      'the read model',
      async () => (await database.db.prisma.obligation.count({ where: { status: 'accepted' } })) === 2,
    );
    const after = await huong.html('/quan-ly/hom-nay');
    expect(after).toContain('Văn bản đã nộp, chờ xem xét (0)');
    expect(navCount(after)).toBe('2');
  });

  it('grants an extension request through the workflow: refused without a note, then the due date moves and the request is no longer waiting', async () => {
    let html = await huong.html('/quan-ly/hom-nay');
    const request =
      /data-extension="SO-GDDT">[\s\S]*?<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html)!;
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(request[2]!)![1]!;
    const fields = { _csrf: hidden('_csrf'), key: hidden('key'), request: hidden('request') };
    const refused = await huong.post(request[1]!, {
      ...fields,
      decision: 'grant',
      until: '2027-02-26',
      reason: ' ',
    });
    expect(refused.status).toBe(303);
    expect(await huong.html(refused.headers.get('location')!)).toContain(
      'Không thực hiện được: Gia hạn – Sở Giáo dục và Đào tạo.',
    );
    expect((await stage('SO-GDDT')).due).toBe('2027-02-12');

    html = await huong.html('/quan-ly/hom-nay');
    expect(html).toContain('data-extension="SO-GDDT"');
    const again = /data-extension="SO-GDDT">[\s\S]*?<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(
      html,
    )!;
    const key = new RegExp(`name="key" value="([^"]*)"`).exec(again[2]!)![1]!;
    const granted = await huong.post(again[1]!, {
      ...fields,
      _csrf: Browser.csrfOf(html),
      key,
      decision: 'grant',
      until: '2027-02-26',
      reason: 'Đồng ý theo đề nghị của Sở',
    });
    expect(granted.status).toBe(303);
    expect(await huong.html(granted.headers.get('location')!)).toContain(
      'Đã thực hiện: Gia hạn – Sở Giáo dục và Đào tạo',
    );
    expect((await stage('SO-GDDT')).due).toBe('2027-02-26');
    const extends_ = await database.db.prisma.auditEvent.findMany({ where: { action: 'obligation.extend' } });
    const event = extends_.find((e) => (e.details as { outcome?: string }).outcome === 'done')!;
    expect(event.details).toMatchObject({
      request: Number(fields.request),
      until: '2027-02-26',
      from: 'today',
    });
    expect(await huong.html('/quan-ly/hom-nay')).not.toContain('data-extension="SO-GDDT"');
  });

  it('denies an extension request: recorded with its reason, the due date unchanged, no longer waiting', async () => {
    const html = await huong.html('/quan-ly/hom-nay');
    const m = /data-extension="SO-NV">[\s\S]*?<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html)!;
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(m[2]!)![1]!;
    const denied = await huong.post(m[1]!, {
      _csrf: hidden('_csrf'),
      key: hidden('key'),
      request: hidden('request'),
      decision: 'deny',
      reason: 'Không có căn cứ gia hạn',
    });
    expect(denied.status).toBe(303);
    expect(await huong.html(denied.headers.get('location')!)).toContain(
      'Đã thực hiện: Không đồng ý gia hạn – Sở Nội vụ',
    );
    expect((await stage('SO-NV')).due).toBe('2027-02-12');
    expect(await huong.html('/quan-ly/hom-nay')).not.toContain('data-extension="SO-NV"');
    // The denial is on the agency's timeline.
    expect(await huong.html(`/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-NV`)).toContain(
      'Không đồng ý gia hạn',
    );
    // Denying it again (another form on a stale page) is refused: it was decided.
    const stale = await huong.post(m[1]!, {
      _csrf: hidden('_csrf'),
      key: crypto.randomUUID(),
      request: hidden('request'),
      decision: 'deny',
      reason: 'Lần nữa',
    });
    expect(stale.status).toBe(409);
    expect(await audits('obligation.deny-extension')).toBe(1);
  });

  it('reminds every overdue agency of the milestone at once', async () => {
    await advanceTo('2027-02-16', 12);
    await huong.login('huong', 'Mường Thanh 2027'); // the session of 20/01 is over
    await waitFor(
      'Sở Nội vụ overdue in the read model',
      async () => (await database.db.prisma.obligation.count({ where: { status: 'overdue' } })) === 1,
    );
    const html = await huong.html('/quan-ly/hom-nay');
    expect(html).toContain('Nhắc ngay 1 đơn vị');
    const form = formAround(html, 'name="cycle"');
    const sent = { workflowId: agencyWorkflowId(PROGRAM, YEAR, 'SO-NV'), status: 'sent' as const };
    const before = await database.db.prisma.notification.count({ where: sent });
    const res = await huong.post(form.url, form.fields);
    expect(res.status).toBe(303);
    expect(await huong.html(res.headers.get('location')!)).toContain('Đã thực hiện: Nhắc ngay – Sở Nội vụ');
    await waitFor(
      'the reminder sent',
      async () => (await database.db.prisma.notification.count({ where: sent })) > before,
    );
    expect(await audits('obligation.remind')).toBe(1);
  });
});
