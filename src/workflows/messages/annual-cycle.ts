// The messages of the `annualCycle` workflow, handled by its inspection phase (../inspection-plan.ts): the
// inspection plan's Query and Update with their argument and result types. The workflow sets its handlers
// on these, and every client (dashboard, tests) calls them through these, never by name: the names are part
// of the recorded histories and of the running workflows, so they never change. Kept free of workflow logic
// so that client code can import it.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApproveInspectionPlanInput, InspectionPlanState } from '../../inspections/plan';

export type { ApproveInspectionPlanInput, InspectionPlanState } from '../../inspections/plan';

/** The year's inspection plan; null before the cycle has one. */
export const inspectionPlanQuery = defineQuery<InspectionPlanState | null>('inspectionPlan');
/** The coordinator approves the plan; returns the workflow IDs of the inspections started. */
export const approveInspectionPlanUpdate = defineUpdate<string[], [ApproveInspectionPlanInput]>(
  'approveInspectionPlan',
);
