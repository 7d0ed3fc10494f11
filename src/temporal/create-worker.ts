import type { Logger } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { DEFAULT_MAX_EMAILS_PER_SECOND } from '../config/smtp';
import { fanOutTaskQueue, mailTaskQueue } from '../workflows/task-queues';
import { activityLogInterceptor } from './activity-log-interceptor';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Emails per second across every worker of the deployment (see mailTaskQueue). */
  maxEmailsPerSecond?: number;
  /**
   * Workflows kept in memory between tasks (default: the SDK's, from the heap size). 0 keeps none and
   * polls no sticky queue: a test's worker that stops leaves no workflow task bound to it.
   */
  maxCachedWorkflows?: number;
  /**
   * An activity attempt running longer than this (ms) is logged while it runs and when it ends (default:
   * DEFAULT_SLOW_ACTIVITY_MS in src/config/activity-log.ts; the worker process reads PHOIHOP_SLOW_ACTIVITY_MS).
   */
  slowActivityMs?: number;
  /** Where those lines go (default: the worker's log, through the SDK's runtime logger). */
  activityLogger?: Logger;
  /** Pre-built workflow bundle (tests build one and reuse it); defaults to bundling src/workflows. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * The three pollers of one worker process: the workflows and activities on the task queue, the email
 * activities on its mail queue (rate-limited by the server), and the batch workflows on its fan-out queue.
 * They run, and stop, together.
 */
export interface PhoihopWorker {
  /** Runs until shutdown() or a shutdown signal (SIGINT/SIGTERM), finishing the tasks in hand. */
  run(): Promise<void>;
  shutdown(): void;
  /** Runs while `fn` runs, then shuts down (tests). */
  runUntil<R>(fn: () => Promise<R>): Promise<R>;
}

/**
 * Pollers that scale with the server's backlog. The fixed default (at most 10 workflow pollers, a fifth of
 * them on the shared queue) capped a 10,000-agency fan-out at 8 workflow tasks per second while the
 * backlog grew (bench/cycle-scale.ts).
 */
const POLLERS = {
  workflowTaskPollerBehavior: { type: 'autoscaling' },
  activityTaskPollerBehavior: { type: 'autoscaling' },
} as const satisfies Partial<WorkerOptions>;

/** The one place that registers the project's workflows and activities on their task queues. */
export async function createWorker(options: CreateWorkerOptions): Promise<PhoihopWorker> {
  const activities = createActivities(options.deps);
  // Logs retries, slow attempts and database errors with their cause (activity-log-interceptor.ts).
  const interceptors = {
    activity: [activityLogInterceptor({ slowMs: options.slowActivityMs, logger: options.activityLogger })],
  };
  // Bundled once for the two workers that run workflows.
  const workflowBundle =
    options.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') }));
  const main = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle,
    // Every activity, the email ones included: tasks scheduled on this queue before the mail queue
    // existed still find a worker.
    activities,
    interceptors,
    ...POLLERS,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  const mail = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: mailTaskQueue(options.taskQueue),
    activities: {
      notifyObligation: activities.notifyObligation,
      notifyInspection: activities.notifyInspection,
      notifyInspectionPlanProposed: activities.notifyInspectionPlanProposed,
      notifyExtensionRequested: activities.notifyExtensionRequested,
      sendConsolidatedReport: activities.sendConsolidatedReport,
    },
    interceptors,
    maxTaskQueueActivitiesPerSecond: options.maxEmailsPerSecond ?? DEFAULT_MAX_EMAILS_PER_SECOND,
    ...POLLERS,
  });
  // The batch workflows only (fanOutTaskQueue): its own sticky queue and workflow slots, so a batch's next
  // chunk of child starts never waits behind the agencies' workflow tasks. Their activity runs on the main
  // queue. A few batches per cycle (500 agencies each): a small cache holds them all.
  const fanOut = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: fanOutTaskQueue(options.taskQueue),
    workflowBundle,
    maxCachedWorkflows: 200,
    ...POLLERS,
  });
  const workers = [main, mail, fanOut];
  const shutdown = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    async run() {
      const runs = workers.map((w) => w.run());
      try {
        await Promise.all(runs);
      } catch (err) {
        shutdown();
        await Promise.allSettled(runs);
        throw err;
      }
    },
    shutdown,
    runUntil: (fn) => main.runUntil(() => mail.runUntil(() => fanOut.runUntil(fn))),
  };
}
