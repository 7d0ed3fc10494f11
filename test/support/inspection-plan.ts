import type { WorkflowHandle } from '@temporalio/client';
import { inspectionPlanQuery, type InspectionPlanState } from '../../src/workflows/messages/annual-cycle';

/** The cycle's inspection plan, through its Query; fails the test when the cycle has none. */
export async function inspectionPlanOf(cycle: WorkflowHandle): Promise<InspectionPlanState> {
  const plan = await cycle.query(inspectionPlanQuery);
  if (!plan) throw new Error(`${cycle.workflowId} has no inspection plan`);
  return plan;
}
