import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { minimalPdf } from '../../fixtures/files/documents';
import { Browser, listening, USERS } from './dashboard-browser';
import { openDatabase, type Database } from '../../../src/db/client';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import { addUser } from '../../../src/auth/users';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { statusQuery } from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

const YEAR = 2027;

/** Every file under `dir`, relative to it. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

/**
 * The PostgreSQL database taken away mid-cycle (its connections reset and its port closed, through a
 * loopback proxy between the application and the server) and brought back: the portal and the dashboard
 * answer a clear "try again" page (503, Retry-After) and write nothing; the workflow's activities retry
 * and, once the database is back, the email of that moment goes out exactly once and a submission is taken.
 */
describe('the database down for a while', () => {
  let env: TestWorkflowEnvironment;
  let direct: TestDatabase;
  let proxy: TcpProxy;
  let db: Database;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let link: string;
  let coordinator: Browser;
  const files = testFiles();
  const taskQueue = `database-down-${randomUUID()}`;
  const workflowId = agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-YT');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    direct = await freshDatabase('postgresql', 'database_down');
    seeded = await seedCycle(direct.db, YEAR);
    await addUser(direct.db, USERS.coordinator);
    const url = new URL(direct.url);
    proxy = await startTcpProxy(Number(url.port));
    url.port = String(proxy.port);
    db = await openDatabase(url.toString());

    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db, mailer });
    const report = seeded.plan.milestones.find((m) => m.key === 'report-6m')!;
    app = buildWebServer({
      db,
      links: TEST_LINKS,
      files,
      now: () => localInstant(report.requestOn, 10),
      temporal: env.client,
      // Submissions are stamped with the time-skipping server's time, the workflows' clock.
      receiptClock: () => env.currentTimeMs(),
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    base = await listening(app);
    coordinator = new Browser(base);
    await coordinator.login(USERS.coordinator.login, USERS.coordinator.password);

    const input: AgencyObligationsInput = {
      cycleId: seeded.cycleId,
      program: 'dien-bien-kh99',
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
      milestones: [report],
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      clock: { originMs: localInstant(report.requestOn, 7), scale: 1 },
      closesOn: seeded.plan.endsOn,
    };
    await env.client.workflow.start(agencyObligations, { taskQueue, workflowId, args: [input] });
    await env.sleep('3 hours');
    const mail = new MailpitApi(smtp.apiUrl);
    const [request] = await mail.waitFor(() => true, 1);
    const found = /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(
      (await mail.get(request!.ID)).Text,
    );
    link = `${base}${found![1]}`;
  });

  afterAll(async () => {
    await proxy?.restore();
    await env?.client.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
    await app?.close();
    await worker?.stop();
    await db?.close();
    await proxy?.close();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await direct?.drop();
    await env?.teardown();
  });

  function post(fields: Record<string, string>, pdf?: Buffer): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (pdf) form.append('attachments', new Blob([pdf], { type: 'application/pdf' }), 'bao-cao.pdf');
    return fetch(link, { method: 'POST', body: form, redirect: 'manual' });
  }
  const fields = () => ({
    key: randomUUID(),
    submittedBy: 'Trần Thanh Hà',
    summary: 'Báo cáo 6 tháng đầu năm 2027',
    'figure.events-held': '12',
  });
  const status = () => env.client.workflow.getHandle(workflowId).query(statusQuery);

  it('answers "try again" while the database is away, writes nothing, and carries on once it is back', async () => {
    expect((await fetch(link)).status).toBe(200);
    // To Wed 09/06 07:00, an hour before the first reminder (due 16/06, 5 working days before it).
    await env.sleep(localInstant('2027-06-09', 7) - localInstant('2027-05-26', 10));
    const sentBefore = await direct.db.prisma.notification.count({ where: { status: 'sent' } });
    const mail = new MailpitApi(smtp.apiUrl);
    const deliveredBefore = await mail.total();

    await proxy.cut();
    // The task page, in both languages: 503, a page (not JSON), a time to come back.
    const page = await fetch(link);
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('30');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Hệ thống tạm thời gián đoạn');
    expect(html).toContain('chưa có gì được ghi nhận. Vui lòng thử lại sau ít phút.');
    expect(await (await fetch(`${link}?lang=en`)).text()).toContain('Temporarily unavailable');
    // A complete, valid submission with a file: refused the same way, nothing stored, no Update.
    const refused = await post(fields(), minimalPdf('đợt 1'));
    expect(refused.status).toBe(503);
    expect(tree(files.root)).toEqual([]);
    expect((await status()).obligations[0]!.submissions).toHaveLength(0);
    // The dashboard too.
    const dash = await coordinator.fetch(`/quan-ly/chu-ky/${seeded.cycleId}`);
    expect(dash.status).toBe(503);
    expect(await dash.text()).toContain('Không kết nối được với cơ sở dữ liệu. Không có gì thay đổi.');

    // Meanwhile the workflow reaches the reminder: the activity cannot record it and retries; nothing is sent.
    await env.sleep('2 hours');
    const pending = (await env.client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
    expect(pending.length).toBeGreaterThan(0);
    expect(Math.max(...pending.map((p) => p.attempt ?? 0))).toBeGreaterThan(1);
    expect(await mail.total()).toBe(deliveredBefore);

    await proxy.restore();
    // Back: the next retry (backoff at most 10 minutes) finds the database and the reminder goes out once;
    // the page opens and a submission is taken.
    await env.sleep('15 minutes');
    await mail.waitFor(() => true, deliveredBefore + 1);
    for (let i = 0; i < 100; i++) {
      const p = (await env.client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
      if (p.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await direct.db.prisma.notification.count({ where: { status: 'sent' } })).toBe(sentBefore + 1);
    expect(await mail.total()).toBe(deliveredBefore + 1);
    expect((await fetch(link)).status).toBe(200);
    const ok = await post(fields(), minimalPdf('đợt 2'));
    expect(ok.status).toBe(303);
    expect(await direct.db.prisma.submission.count()).toBe(1);
    expect((await status()).obligations[0]!.submissions).toHaveLength(1);
  });
});
