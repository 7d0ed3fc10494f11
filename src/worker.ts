import { temporalConfigFromEnv } from './config/temporal';
import { smtpConfigFromEnv } from './config/smtp';
import { linkConfigFromEnv } from './config/links';
import { filesConfigFromEnv } from './config/files';
import { describeFatal } from './config/fatal';
import { connectClient, connectWorker } from './temporal/connection';
import { createWorker } from './temporal/create-worker';
import { createMailer } from './mail/mailer';
import { openDatabase, WORKER_SQLITE_BUSY_TIMEOUT_MS, type Database } from './db/client';
import { slowActivityMsFromEnv } from './config/activity-log';
import { replyConfigFromEnv } from './config/replies';

/**
 * The worker process: checks that Temporal, the database and SMTP are reachable (reporting every one that
 * is not: which, where it looked and how to fix it), then runs the workflows and activities on the task
 * queue until SIGINT or SIGTERM, finishing the tasks in hand before it exits.
 */
async function main(): Promise<void> {
  const temporal = temporalConfigFromEnv();
  const smtp = smtpConfigFromEnv();
  const links = linkConfigFromEnv();
  const replies = replyConfigFromEnv(process.env, smtp.from, links.secret);
  const mailer = createMailer(smtp);
  const slowActivityMs = slowActivityMsFromEnv();

  const [temporalCheck, dbCheck, smtpCheck] = await Promise.allSettled([
    connectClient(temporal).then((client) => client.connection.close()), // also checks the namespace
    openDatabase(undefined, { busyTimeoutMs: WORKER_SQLITE_BUSY_TIMEOUT_MS }),
    mailer.verify(),
  ]);
  const problems = [temporalCheck, dbCheck, smtpCheck].filter((r) => r.status === 'rejected');
  if (problems.length > 0) {
    if (dbCheck.status === 'fulfilled') await dbCheck.value.close();
    mailer.close();
    throw new AggregateError(problems.map((p) => (p as PromiseRejectedResult).reason));
  }
  const db: Database = (dbCheck as PromiseFulfilledResult<Database>).value;
  try {
    const connection = await connectWorker(temporal);
    const worker = await createWorker({
      connection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      maxEmailsPerSecond: smtp.maxPerSecond,
      slowActivityMs,
      deps: { db, mailer, from: smtp.from, links, replies, filesRoot: filesConfigFromEnv().root },
    });
    console.log(
      `[phoihop] worker running: Temporal ${temporal.address} namespace "${temporal.namespace}" ` +
        `task queue "${temporal.taskQueue}", database ${db.url}, SMTP ${smtp.url.replace(/\/\/[^@]*@/, '//***@')} ` +
        `(at most ${smtp.maxPerSecond} emails/s)`,
    );
    // Worker.run resolves after a shutdown signal (SIGINT/SIGTERM), once in-flight tasks are done.
    await worker.run();
    await connection.close();
  } finally {
    mailer.close();
    await db.close();
  }
  console.log('[phoihop] worker stopped');
}

main().catch((err: unknown) => {
  const errors = err instanceof AggregateError ? err.errors : [err];
  console.error(
    `[phoihop] the worker cannot start:\n${errors.map((e) => `- ${describeFatal(e)}`).join('\n')}`,
  );
  process.exit(1);
});
