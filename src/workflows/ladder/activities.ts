// The activity proxies of the follow-up workflows (agencyObligations, inspection); their options are in
// ../activity-options.ts. Workflow-safe.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { mailTaskQueue } from '../task-queues';
import { EMAIL_ACTIVITY_OPTIONS, RECORD_ACTIVITY_OPTIONS } from '../activity-options';

/** The read-model and audit activities, on the workflow's own task queue. */
export function recordActivities() {
  return proxyActivities<Activities>(RECORD_ACTIVITY_OPTIONS);
}

/** The email activities, on the rate-limited mail queue of the workflow's task queue (task-queues.ts). */
export function mailActivities() {
  return proxyActivities<Activities>({
    ...EMAIL_ACTIVITY_OPTIONS,
    taskQueue: mailTaskQueue(workflowInfo().taskQueue),
  });
}
