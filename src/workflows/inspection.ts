import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { localInstant } from '../cycle/clock';
import type { InspectionInput, InspectionStatus } from '../inspections/types';
import {
  cancelInspectionUpdate,
  closeRecommendationUpdate,
  inspectionStatusQuery,
  recordConclusionUpdate,
  reopenRecommendationUpdate,
  reportRecommendationUpdate,
} from './messages/inspection';
import { follow } from './inspection/follow-up';
import { inspectionHandlers } from './inspection/handlers';
import { InspectionState } from './inspection/state';
import { SEND_HOUR } from './ladder/schedule';
import { waitUntil } from './ladder/wait';
import { PhAgency, PhMilestone, PhProgram, PhYear } from './search-attributes';

/** The milestone inspections belong to in the program (read model, notification log, PhMilestone). */
const MILESTONE = 'inspection';

function registerHandlers(state: InspectionState): void {
  const h = inspectionHandlers(state);
  setHandler(inspectionStatusQuery, () => state.status());
  setHandler(recordConclusionUpdate, h.recordConclusion.handler, h.recordConclusion.options);
  setHandler(reportRecommendationUpdate, h.reportRecommendation.handler, h.reportRecommendation.options);
  setHandler(closeRecommendationUpdate, h.closeRecommendation.handler, h.closeRecommendation.options);
  setHandler(reopenRecommendationUpdate, h.reopenRecommendation.handler, h.reopenRecommendation.options);
  setHandler(cancelInspectionUpdate, h.cancel.handler, h.cancel.options);
}

/**
 * One agency's inspection: the notice to its focal point and head N working days before the visit, the
 * inspector's conclusion with its recommendations, and each recommendation followed (reminders before its
 * due date, the escalation ladder after it) until the agency reports it done and the inspector closes it.
 * Ends when every recommendation is closed, or when cancelled.
 */
export async function inspection(input: InspectionInput): Promise<InspectionStatus> {
  const state = new InspectionState(input);
  registerHandlers(state);
  const { clock } = state;
  const version = () => state.version;
  const ended = () => state.ended();

  upsertSearchAttributes([
    { key: PhProgram, value: input.program },
    { key: PhYear, value: input.year },
    { key: PhAgency, value: input.agency.code },
    { key: PhMilestone, value: MILESTONE },
  ]);
  try {
    await state.setStage('planned');
    // The notice, at the send hour of its day (at once when that has passed: an inspection planned late).
    while (!(await waitUntil(clock, localInstant(state.noticeOn, SEND_HOUR), version))) {
      if (ended()) break;
    }
    if (!ended()) {
      await state.setStage('noticed');
      await state.notify('inspection-notice', 'notice', ['focal_point', 'head']);
    }
    while (!ended() && state.conclusion === undefined) {
      if (await waitUntil(clock, localInstant(input.visitOn, 0), version)) break;
    }
    if (!ended() && state.conclusion === undefined) await state.setStage('visited');
    await condition(() => ended() || state.conclusion !== undefined);
    if (!ended()) {
      await Promise.all(state.followed.map((f) => follow(state, f)));
      if (!ended()) await state.setStage('closed');
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => state.setStage('cancelled'));
    }
    throw err;
  }
  await condition(allHandlersFinished);
  return state.status();
}
