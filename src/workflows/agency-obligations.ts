import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import { obligationHandlers } from './agency-obligations/handlers';
import { runMilestone } from './agency-obligations/milestone';
import { AgencyObligations, FINAL_STAGE_ON_COMPLETION } from './agency-obligations/state';
import { CLOSED_STAGES, type AgencyObligationsInput, type AgencyObligationsStatus } from './obligation-types';
import {
  acceptUpdate,
  extendUpdate,
  remindNowUpdate,
  requestExtensionUpdate,
  returnUpdate,
  statusQuery,
  submitUpdate,
  waiveUpdate,
} from './messages/agency-obligations';

function registerHandlers(state: AgencyObligations): void {
  const h = obligationHandlers(state);
  setHandler(statusQuery, () => state.status());
  setHandler(submitUpdate, h.submit.handler, h.submit.options);
  setHandler(requestExtensionUpdate, h.requestExtension.handler, h.requestExtension.options);
  setHandler(extendUpdate, h.extend.handler, h.extend.options);
  setHandler(returnUpdate, h.returnForRevision.handler, h.returnForRevision.options);
  setHandler(acceptUpdate, h.accept.handler, h.accept.options);
  setHandler(waiveUpdate, h.waive.handler, h.waive.options);
  setHandler(remindNowUpdate, h.remindNow.handler, h.remindNow.options);
}

/**
 * One agency's obligations in one cycle: for each milestone it owes, the request, reminders before the
 * due date, the escalation ladder after it, and the agency's submissions with the coordinator's review.
 * Milestones run side by side: a late plan does not hold back the 6-month report.
 */
export async function agencyObligations(input: AgencyObligationsInput): Promise<AgencyObligationsStatus> {
  const state = new AgencyObligations(input);
  registerHandlers(state);
  state.refreshSearchAttributes();
  try {
    await Promise.all([...state.obligations.values()].map((o) => runMilestone(state, o)));
  } catch (err) {
    if (isCancellation(err)) {
      // The cycle was cancelled: close what is open, so the read model and the status say so.
      await CancellationScope.nonCancellable(async () => {
        for (const o of state.obligations.values()) {
          if (!CLOSED_STAGES.includes(o.status.stage)) await state.setStage(o, 'cancelled');
        }
      });
    }
    throw err;
  }
  // And the receipts whose submit Update answered before they were sent (SUBMIT_ANSWERS_ON_RECORD).
  do {
    await condition(allHandlersFinished);
    await state.allSent();
  } while (!allHandlersFinished());
  // Operators see how it ended, not the live stage of its last milestone.
  if (patched(FINAL_STAGE_ON_COMPLETION)) state.showFinalOutcome();
  return state.status();
}
