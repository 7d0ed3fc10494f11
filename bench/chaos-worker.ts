/**
 * The project's real worker (createWorker: workflows, activities, the rate-limited mail queue) as a
 * process of its own, so that bench/chaos.ts can kill it with SIGKILL and start it again. Configured by
 * the environment the harness gives it:
 *
 *   CHAOS_TEMPORAL_ADDRESS, CHAOS_NAMESPACE, CHAOS_TASK_QUEUE, CHAOS_DATABASE_URL, CHAOS_SMTP_URL,
 *   CHAOS_FROM, CHAOS_FILES_ROOT, CHAOS_WORKFLOW_BUNDLE (a pre-built bundle: no webpack at each start),
 *   CHAOS_LINK_SECRET, CHAOS_PUBLIC_URL, CHAOS_EMAILS_PER_SECOND
 *
 * Prints "chaos-worker ready" once it polls. Exits when its stdin closes (the harness is gone), so a
 * harness that dies leaves no worker behind.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { openDatabase, WORKER_SQLITE_BUSY_TIMEOUT_MS } from '../src/db/client';
import { createMailer } from '../src/mail/mailer';
import { createWorker } from '../src/temporal/create-worker';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`chaos-worker: ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const from = required('CHAOS_FROM');
  const db = await openDatabase(required('CHAOS_DATABASE_URL'), {
    busyTimeoutMs: WORKER_SQLITE_BUSY_TIMEOUT_MS,
  });
  const mailer = createMailer({ url: required('CHAOS_SMTP_URL'), from });
  const connection = await NativeConnection.connect({ address: required('CHAOS_TEMPORAL_ADDRESS') });
  const worker = await createWorker({
    connection,
    namespace: required('CHAOS_NAMESPACE'),
    taskQueue: required('CHAOS_TASK_QUEUE'),
    maxEmailsPerSecond: Number(required('CHAOS_EMAILS_PER_SECOND')),
    workflowBundle: { codePath: required('CHAOS_WORKFLOW_BUNDLE') },
    deps: {
      db,
      mailer,
      from,
      links: { publicUrl: required('CHAOS_PUBLIC_URL'), secret: required('CHAOS_LINK_SECRET') },
      filesRoot: required('CHAOS_FILES_ROOT'),
    },
  });
  const running = worker.run();
  console.log(`chaos-worker ready (pid ${process.pid})`);
  await running;
  await connection.close();
  mailer.close();
  await db.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
