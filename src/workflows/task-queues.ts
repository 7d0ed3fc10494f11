// Task queue names shared by workflows and workers. Pure.

/**
 * The task queue on which a deployment's emails are sent: the workflows' queue with "-mail" appended. The
 * Temporal server hands its activities out at most SMTP_MAX_PER_SECOND per second, whichever worker
 * polls, which is what keeps a relay from being flooded when a cycle of thousands of agencies fans out.
 */
export function mailTaskQueue(taskQueue: string): string {
  return `${taskQueue}-mail`;
}

/**
 * The task queue of a deployment's batch workflows (cycleBatch): the workflows' queue with "-fanout"
 * appended, polled by its own worker. A batch that starts 500 agencies in chunks waits between chunks for
 * a workflow task; on the agencies' queue that task queued behind the work of the agencies already
 * started, which made the fan-out of 1,000 agencies take minutes.
 */
export function fanOutTaskQueue(taskQueue: string): string {
  return `${taskQueue}-fanout`;
}
