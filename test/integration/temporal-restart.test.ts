import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { freshDatabase, type TestDatabase } from '../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../support/mailpit';
import { TEST_FILES_ROOT, TEST_FROM, TEST_LINKS } from '../support/worker';
import { startDevServer, type DevServer } from '../support/temporal';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { createWorker } from '../../src/temporal/create-worker';
import { importDirectoryFile } from '../../src/directory/import-file';
import { startCycle } from '../../src/cycle/start';
import { temporalConfigFromEnv } from '../../src/config/temporal';
import { cycleTotals, type CycleSummary } from '../../src/workflows/cycle-types';
import type { annualCycle } from '../../src/workflows/annual-cycle';

const PROGRAM = 'dien-bien-kh99';
const YEAR = 2027;
// A year (15/01 to 30/12) in about 40 seconds of workflow time.
const SCALE = 750_000;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The Temporal dev server restarted in the middle of a cycle (stopped, down for a few seconds, started again
 * on the same port and database file): the worker and the client reconnect by themselves, the cycle
 * completes with the outcome it would have had, and every email the notification log says was sent arrived
 * exactly once.
 */
describe('the Temporal server restarted mid-cycle', () => {
  let dir: string;
  let server: DevServer;
  let database: TestDatabase;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let connection: Connection;
  let native: NativeConnection;
  let worker: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phoihop-restart-'));
    server = await startDevServer({ dbFile: join(dir, 'temporal.db') });
    database = await freshDatabase('sqlite', 'temporal_restart');
    await importDirectoryFile(
      database.db,
      join(__dirname, '../fixtures/directory-small.csv'),
      '2025-07-01',
      'test',
    );
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    connection = await Connection.connect({ address: server.address });
    native = await NativeConnection.connect({ address: server.address });
  });

  afterAll(async () => {
    await worker?.stop();
    await native?.close();
    await connection?.close();
    mailer?.close();
    await smtp?.stop();
    await database?.drop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the cycle resumes and completes; every email arrives once', async () => {
    const taskQueue = `restart-${randomUUID()}`;
    const built = await createWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      maxEmailsPerSecond: 1000,
      deps: { db: database.db, mailer, from: TEST_FROM, links: TEST_LINKS, filesRoot: TEST_FILES_ROOT },
    });
    const running = built.run();
    worker = {
      async stop() {
        built.shutdown();
        await running;
      },
    };
    const client = new Client({ connection, namespace: 'default' });
    const temporal = { ...temporalConfigFromEnv({ TEMPORAL_ADDRESS: server.address }), taskQueue };
    const started = await startCycle(client, temporal, { program: PROGRAM, year: YEAR, scale: SCALE });
    const mail = new MailpitApi(smtp.apiUrl);

    // Mid-cycle: the first requests and reminders are out.
    await waitFor('the first emails', async () => (await mail.total()) >= 8);
    await server.stop();
    const sentWhileDown = await mail.total();
    await new Promise((r) => setTimeout(r, 3000));
    await server.start();

    const result = await client.workflow.getHandle<typeof annualCycle>(started.workflowId).result();
    expect(result.agencies).toBe(4);
    // Nobody answered: every milestone owed is missing, as without a restart.
    const stored = await database.db.prisma.cycle.findFirstOrThrow({ where: { year: YEAR } });
    expect(stored.status).toBe('completed');
    const summary = stored.summary as unknown as CycleSummary;
    expect(summary.agencies['SO-YT']).toEqual({
      'annual-plan': 'missing',
      'report-6m': 'missing',
      'report-annual': 'missing',
    });
    expect(summary.agencies['SO-VHTTDL']!['consolidation']).toBe('missing');
    expect(result.summary).toEqual(cycleTotals(summary));

    const logged = await database.db.prisma.notification.findMany({ where: { status: 'sent' } });
    expect(logged.length).toBeGreaterThan(sentWhileDown);
    const ids = logged.map((n) => n.messageId!.slice(1, -1));
    await waitFor('every logged email at the SMTP server', async () => (await mail.total()) >= logged.length);
    const arrived = (await mail.list()).map((m) => m.MessageID);
    expect(arrived.length).toBe(logged.length);
    expect(new Set(arrived)).toEqual(new Set(ids));
  });
});
