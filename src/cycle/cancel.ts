// Cancelling a year's cycle (`phoihop cycle cancel`, the dashboard's cancel form): Temporal's cancellation
// of the cycle workflow, which cancels its batches and agencies; their open obligations are recorded as
// cancelled and the cycle is consolidated as it stands (src/workflows/annual-cycle.ts).
import type { Client } from '@temporalio/client';
import { cycleWorkflowId } from '../workflows/cycle-types';

/** Requests the cancellation of a year's cycle; resolves to its workflow ID. */
export async function cancelCycle(client: Client, opts: { program: string; year: number }): Promise<string> {
  const workflowId = cycleWorkflowId(opts.program, opts.year);
  await client.workflow.getHandle(workflowId).cancel();
  return workflowId;
}
