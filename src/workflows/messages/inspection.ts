// The messages of the `inspection` workflow: its Query and Updates with their argument and result types.
// The workflow sets its handlers on these, and every client (portal, dashboard, tests) calls them through
// these, never by name: the names are part of the recorded histories and of the running workflows, so they
// never change. Kept free of workflow logic so that client code can import it.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../../calendar/dates';
import type {
  CancelInspectionInput,
  CloseRecommendationInput,
  InspectionStatus,
  RecommendationStatus,
  RecordConclusionInput,
  ReopenRecommendationInput,
  ReportRecommendationInput,
} from '../../inspections/types';

export type {
  CancelInspectionInput,
  CloseRecommendationInput,
  InspectionStatus,
  RecommendationStatus,
  RecordConclusionInput,
  ReopenRecommendationInput,
  ReportRecommendationInput,
} from '../../inspections/types';

/** The inspection: stage, visit, conclusion, recommendations, the workflow's clock. */
export const inspectionStatusQuery = defineQuery<InspectionStatus>('status');
/** The inspector records the conclusion; returns the numbered recommendations. */
export const recordConclusionUpdate = defineUpdate<RecommendationStatus[], [RecordConclusionInput]>(
  'recordConclusion',
);
/** The agency reports a recommendation done (portal). */
export const reportRecommendationUpdate = defineUpdate<void, [ReportRecommendationInput]>(
  'reportRecommendation',
);
export const closeRecommendationUpdate = defineUpdate<void, [CloseRecommendationInput]>(
  'closeRecommendation',
);
/** The inspector reopens a reported recommendation; returns its new due date. */
export const reopenRecommendationUpdate = defineUpdate<IsoDate, [ReopenRecommendationInput]>(
  'reopenRecommendation',
);
export const cancelInspectionUpdate = defineUpdate<void, [CancelInspectionInput]>('cancel');
