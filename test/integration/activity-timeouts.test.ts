import { randomUUID } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLocalEnv } from '../support/temporal';
import { freshDatabase, testSmtpUrl, type TestDatabase } from '../support/databases';
import { seedCycle, type SeededCycle } from '../support/cycle-fixture';
import { TEST_FILES_ROOT, TEST_FROM, TEST_LINKS } from '../support/worker';
import { openDatabase, WORKER_SQLITE_BUSY_TIMEOUT_MS, type Database } from '../../src/db/client';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { createWorker, type PhoihopWorker } from '../../src/temporal/create-worker';
import { recordProbe } from '../support/record-probe-workflow';
import { KeptLogger } from '../support/kept-logger';

/**
 * A read-model write while another connection holds SQLite's write lock (the portal, the CLI or a backup
 * in another process): the attempt gives up after the worker's busy timeout with SQLITE_BUSY named in the
 * log, the server retries it a second later, and it succeeds once the lock is released; on the dev server,
 * with the real worker wiring and the follow-up workflows' own activity options.
 */
describe('an activity that cannot finish says why (dev server, SQLite)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let workerDb: Database;
  let mailer: Mailer;
  let seeded: SeededCycle;
  const logger = new KeptLogger();
  let worker: PhoihopWorker;
  let running: Promise<void>;
  const taskQueue = `timeouts-${randomUUID()}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await freshDatabase('sqlite', 'activity_timeouts');
    seeded = await seedCycle(database.db, 2031);
    // The worker's own connection, opened as src/worker.ts opens it.
    workerDb = await openDatabase(database.url, { busyTimeoutMs: WORKER_SQLITE_BUSY_TIMEOUT_MS });
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('../support/record-probe-workflow'),
      }),
      deps: { db: workerDb, mailer, from: TEST_FROM, links: TEST_LINKS, filesRoot: TEST_FILES_ROOT },
      slowActivityMs: 500,
      activityLogger: logger,
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    mailer?.close();
    await workerDb?.close();
    await database?.drop();
    await env?.teardown();
  });

  it('fails fast on a locked database with the cause in the log, retries, and succeeds once it is free', async () => {
    const agency = await database.db.prisma.agency.findFirstOrThrow({ orderBy: { code: 'asc' } });
    const locker = new Sqlite(database.url.replace(/^file:/, ''));
    let locked = true;
    try {
      locker.exec('BEGIN IMMEDIATE'); // the write lock, held as a long transaction of another process would
      const workflowId = `record-probe-${randomUUID()}`;
      const handle = await env.client.workflow.start(recordProbe, {
        taskQueue,
        workflowId,
        args: [
          {
            cycleId: seeded.cycleId,
            agencyCode: agency.code,
            milestone: 'annual-plan',
            due: '2031-01-15',
            stage: 'requested',
          },
        ],
      });

      const failure = await logger.waitFor('Activity database error', 30_000);
      expect(failure.meta).toMatchObject({
        cause: 'SQLITE_BUSY: database is locked (Prisma P1008)',
        activityType: 'recordObligation',
        workflowId,
        attempt: 1,
      });
      // The worker's busy timeout (1 s), not better-sqlite3's 5 s: the whole worker stands still meanwhile.
      expect(failure.meta.durationMs).toBeGreaterThanOrEqual(WORKER_SQLITE_BUSY_TIMEOUT_MS - 50);
      expect(failure.meta.durationMs).toBeLessThan(3_000);

      const retried = await logger.waitFor('Activity retried', 30_000);
      expect(retried.meta).toMatchObject({ activityType: 'recordObligation', workflowId });
      expect(retried.meta.attempt).toBeGreaterThanOrEqual(2);
      expect(retried.meta.startToCloseTimeoutMs).toBe(15_000);

      locker.exec('ROLLBACK');
      locked = false;
      await handle.result();

      const row = await database.db.prisma.obligation.findFirstOrThrow({
        where: { cycleId: seeded.cycleId, agencyId: agency.id, milestoneKey: 'annual-plan' },
      });
      expect(row.status).toBe('requested');

      // What the server was asked for: seconds, not minutes, for a write that takes milliseconds.
      const history = await handle.fetchHistory();
      const scheduled = history.events!.find(
        (e) => e.activityTaskScheduledEventAttributes,
      )!.activityTaskScheduledEventAttributes!;
      expect(scheduled.activityType!.name).toBe('recordObligation');
      expect(Number(scheduled.startToCloseTimeout!.seconds)).toBe(15);
    } finally {
      if (locked) locker.exec('ROLLBACK');
      locker.close();
    }
  });
});
