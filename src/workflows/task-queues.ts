// Task queue names shared by workflows and workers. Pure.

/**
 * The task queue on which a deployment's emails are sent: the workflows' queue with "-mail" appended. The
 * Temporal server hands its activities out at most SMTP_MAX_PER_SECOND per second, whichever worker
 * polls, which is what keeps a relay from being flooded when a cycle of thousands of agencies fans out.
 */
export function mailTaskQueue(taskQueue: string): string {
  return `${taskQueue}-mail`;
}
