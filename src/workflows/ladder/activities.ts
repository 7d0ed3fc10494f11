// The activity options of the follow-up workflows (agencyObligations, inspection), in one place.
// Workflow-safe.
import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { mailTaskQueue } from '../task-queues';

export const LADDER_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    nonRetryableErrorTypes: ['PermanentEmailFailure'],
  },
};

/** The read-model and audit activities, on the workflow's own task queue. */
export function recordActivities() {
  return proxyActivities<Activities>(LADDER_ACTIVITY_OPTIONS);
}

/** The email activities, on the rate-limited mail queue of the workflow's task queue (task-queues.ts). */
export function mailActivities() {
  return proxyActivities<Activities>({
    ...LADDER_ACTIVITY_OPTIONS,
    taskQueue: mailTaskQueue(workflowInfo().taskQueue),
  });
}
