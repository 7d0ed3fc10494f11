import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createLocalEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { testFiles } from '../../support/files';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { calendarNow, localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer, type WebDeps } from '../../../src/web/server';
import type { AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { agencyObligations } from '../../../src/workflows/agency-obligations';
import { statusQuery } from '../../../src/workflows/messages/agency-obligations';

const YEAR = 2027;
// The annual plan is due Fri 12/02/2027: a submission after midnight (Sat 13/02) is one working day late.
const DUE = '2027-02-12';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The portal takes a submission whatever Temporal and the worker are doing: it records it with its receipt
 * number and time, answers within a few seconds, and delivers it to the workflow once it can, exactly once.
 * Dev server, real worker (stopped and started again), Mailpit, SQLite, the portal on loopback.
 */
describe('submissions received while the worker or Temporal is away', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mail: MailpitApi;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> } | undefined;
  let app: FastifyInstance | undefined;
  let proxy: TcpProxy | undefined;
  let proxied: Connection | undefined;
  const files = testFiles();
  const taskQueue = `receipts-${randomUUID()}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await freshDatabase('sqlite', 'submission_receipt');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mail = new MailpitApi(smtp.apiUrl);
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
  });

  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await proxied?.close();
    await proxy?.close();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  async function serve(deps: Partial<WebDeps>): Promise<string> {
    await app?.close();
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      temporal: env.client,
      receiptDelivery: { pollMs: 300, deadlineMs: 3_000 },
      ...deps,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  async function startAgency(code: string, name: string, clock: { originMs: number; scale: number }) {
    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;
    const input: AgencyObligationsInput = {
      cycleId: seeded.cycleId,
      program: 'dien-bien-kh99',
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code, name, group: 'department' },
      milestones: [annual],
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      clock,
      closesOn: seeded.plan.endsOn,
    };
    const workflowId = `cycle:dien-bien-kh99:${YEAR}:${code}`;
    const handle = await env.client.workflow.start(agencyObligations, {
      taskQueue,
      workflowId,
      args: [input],
    });
    return { handle: handle as WorkflowHandle, workflowId };
  }

  /** The task link of the agency's request email. */
  async function taskPath(code: string): Promise<string> {
    const contact = await database.db.prisma.contact.findFirstOrThrow({
      where: { agency: { code }, role: 'focal_point' },
    });
    const [request] = await mail.waitFor(
      (m) => m.To.some((t) => t.Address === contact.email) && m.Subject.includes('Kế hoạch'),
      1,
      30_000,
    );
    const text = (await mail.get(request!.ID)).Text;
    return /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(text)![1]!;
  }

  function submit(url: string, key: string): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ key, submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH' }),
      redirect: 'manual',
    });
  }

  /** The receipt emails the agency's focal point got for its annual plan. */
  async function receiptEmails(receiptNumber: string) {
    return (await mail.list()).filter((m) => m.Subject.includes(`số tiếp nhận ${receiptNumber}`));
  }

  it('sent before midnight of the due day while the worker is down: on time, recorded once, one receipt email', async () => {
    const base = await serve({});
    // The due day from 21:00, 300 calendar seconds per second: midnight comes 36 s after the start.
    const scale = 300;
    const { handle } = await startAgency('SO-YT', 'Sở Y tế', { originMs: localInstant(DUE, 21), scale });
    const link = `${base}${await taskPath('SO-YT')}`;
    const { clock } = await handle.query(statusQuery);
    const midnight = localInstant('2027-02-13', 0);

    await worker!.stop();
    worker = undefined;
    const key = randomUUID();
    const posted = await submit(link, key);
    // Answered within the portal's bound, with the receipt number, though no worker took the Update.
    expect(posted.status).toBe(303);
    const location = new URL(posted.headers.get('location')!, base);
    expect(location.searchParams.get('pending')).toBe('1');
    const receiptNumber = location.searchParams.get('receipt')!;
    expect(receiptNumber).toBe(`${YEAR}-SO-YT-annual-plan-1`);
    const page = await (await fetch(location)).text();
    expect(page).toContain(`Đã tiếp nhận. Số tiếp nhận: ${receiptNumber}.`);
    expect(page).toContain('việc xem xét sẽ được thực hiện sau');
    expect(page).not.toContain('name="summary"'); // no second form while it waits
    const en = await (await fetch(`${location.toString()}&lang=en`)).text();
    expect(en).toContain(`Received. Receipt number: ${receiptNumber}.`);
    // A double post of the same form records once.
    expect((await submit(link, key)).status).toBe(303);
    const [row] = await database.db.prisma.submissionReceipt.findMany({
      where: { workflowId: handle.workflowId },
    });
    expect(row).toMatchObject({ status: 'pending', receiptNumber });
    expect(await database.db.prisma.submissionReceipt.count()).toBe(1);
    const sentAt = calendarNow(clock, row!.receivedAt.getTime());
    expect(sentAt).toBeLessThan(midnight); // else the machine was too slow for this test's scale

    // The worker comes back after midnight.
    await waitFor('midnight of the due day', async () => calendarNow(clock, Date.now()) > midnight + 600_000);
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });

    const delivered = await waitFor('the receipt delivered', async () => {
      const r = await database.db.prisma.submissionReceipt.findUniqueOrThrow({ where: { id: row!.id } });
      return r.status === 'delivered' && r;
    });
    expect(delivered.lateByWorkingDays).toBe(0);
    const status = (await handle.query(statusQuery)).obligations[0]!;
    expect(status.submissions).toHaveLength(1);
    expect(status.submissions[0]).toMatchObject({ receiptNumber, at: sentAt });
    expect(status.stage).toBe('submitted');
    const stored = await database.db.prisma.submission.findMany({ where: { receiptNumber } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.submittedAt.getTime()).toBe(sentAt);
    const obligation = await database.db.prisma.obligation.findFirstOrThrow({
      where: { agency: { code: 'SO-YT' }, milestoneKey: 'annual-plan' },
    });
    expect(obligation.lateByWorkingDays).toBeNull();
    await waitFor('the receipt email', async () => (await receiptEmails(receiptNumber)).length > 0);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await receiptEmails(receiptNumber)).toHaveLength(1);
    // The page shows it as a submission under review, no longer as waiting.
    const after = await (await fetch(link)).text();
    expect(after).toContain(receiptNumber);
    expect(after).not.toContain('việc xem xét sẽ được thực hiện sau');
    await handle.terminate('test done');
  }, 180_000);

  it('Temporal unreachable: the portal shows the receipt; delivered once Temporal is back', async () => {
    proxy = await startTcpProxy(Number(env.address.split(':').at(-1)));
    proxied = await Connection.lazy({ address: `127.0.0.1:${proxy.port}`, connectTimeout: '2s' });
    const temporal = new Client({ connection: proxied, namespace: env.namespace ?? 'default' });
    const base = await serve({ temporal, receiptDelivery: { pollMs: 300, deadlineMs: 2_000 } });
    const { handle } = await startAgency('SO-TC', 'Sở Tài chính', {
      originMs: localInstant('2027-02-01', 9),
      scale: 1,
    });
    const link = `${base}${await taskPath('SO-TC')}`;
    await proxy.cut();

    const startedAt = Date.now();
    const posted = await submit(link, randomUUID());
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(posted.status).toBe(303);
    const location = new URL(posted.headers.get('location')!, base);
    const receiptNumber = location.searchParams.get('receipt')!;
    expect(location.searchParams.get('pending')).toBe('1');
    expect(await (await fetch(location)).text()).toContain(`Số tiếp nhận: ${receiptNumber}.`);
    await new Promise((r) => setTimeout(r, 3_000));
    const waiting = await database.db.prisma.submissionReceipt.findUniqueOrThrow({
      where: { receiptNumber },
    });
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBeGreaterThanOrEqual(1);

    await proxy.restore();
    const delivered = await waitFor('the receipt delivered', async () => {
      const r = await database.db.prisma.submissionReceipt.findUniqueOrThrow({ where: { receiptNumber } });
      return r.status === 'delivered' && r;
    });
    expect(delivered.lateByWorkingDays).toBe(0);
    const status = (await handle.query(statusQuery)).obligations[0]!;
    expect(status.submissions.map((s) => s.receiptNumber)).toEqual([receiptNumber]);
    await waitFor('the receipt email', async () => (await receiptEmails(receiptNumber)).length > 0);
    expect(await receiptEmails(receiptNumber)).toHaveLength(1);
    await handle.terminate('test done');
  }, 180_000);
});
