// Types shared by the `inspection` workflow, its activities and clients (CLI, dashboard, portal). Pure:
// workflow code imports this file.
import type { CalendarData } from '../calendar/working-calendar';
import type { IsoDate } from '../calendar/dates';
import type { RecipientRole } from '../programs/types';
import type { AgencyRef, AttachmentRef } from '../workflows/obligation-types';

export const INSPECTION_KINDS = ['kiem-tra', 'thanh-tra'] as const;
/** kiểm tra (a check by the lead agency) or thanh tra (a formal inspection). */
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export type InspectionStage = 'planned' | 'noticed' | 'visited' | 'concluded' | 'closed' | 'cancelled';
export type RecommendationState = 'open' | 'reported' | 'closed';

/** One rung of a recommendation's ladder after its due date (the program milestone's escalation shape). */
export interface LadderStep {
  step: string;
  afterWorkingDays: number;
  recipients: RecipientRole[];
  /** Which email: the first notice after the due date, or an urging letter up the ladder. */
  notice: 'overdue' | 'escalation';
  flagForReport: boolean;
}

export interface InspectionInput {
  /** Database id of the Cycle row of the year the inspection belongs to. */
  cycleId: number;
  program: string;
  year: number;
  programVersionId: number;
  agency: AgencyRef;
  kind: InspectionKind;
  /** The visit's date (a working day). */
  visitOn: IsoDate;
  /** The notice goes to the focal point and the head this many working days before the visit. */
  noticeWorkingDays: number;
  /** Default time for a recommendation: working days after the conclusion. */
  remedyWorkingDays: number;
  /** Reminders before a recommendation's due date, in working days (the program milestone's list). */
  reminders: number[];
  /** The ladder after a recommendation's due date (the program milestone's escalation). */
  escalation: LadderStep[];
  /** The working calendar (rebuilt identically on replay); must cover the years the follow-up runs. */
  calendar: CalendarData;
  /** As for agencyObligations: calendar time = originMs + (workflow time − startedMs) × scale. */
  clock: { originMs: number; scale: number; startedMs?: number };
}

export interface RecommendationReport {
  /** Calendar instant (ms). */
  at: number;
  reportedBy: string;
  summary: string;
  /** Names of the evidence files (metadata is in the read model). */
  evidence?: string[];
}

export interface RecommendationStatus {
  number: number;
  text: string;
  dueOn: IsoDate;
  originalDueOn: IsoDate;
  status: RecommendationState;
  /** Increments when the due date moves (reopened). */
  round: number;
  reports: RecommendationReport[];
  /** Ladder steps sent, e.g. ["overdue", "escalate-head"] (of every round). */
  escalated: string[];
  flagged: boolean;
  closedBy?: string;
  closedOn?: IsoDate;
  notes: string[];
}

export interface InspectionStatus {
  agency: AgencyRef;
  program: string;
  year: number;
  kind: InspectionKind;
  visitOn: IsoDate;
  noticeOn: IsoDate;
  stage: InspectionStage;
  conclusion?: string;
  concludedOn?: IsoDate;
  recommendations: RecommendationStatus[];
  clock: { originMs: number; scale: number; startedMs: number };
  notes: string[];
}

export interface RecordConclusionInput {
  conclusion: string;
  recommendations: { text: string; dueOn?: IsoDate }[];
  /** Who records it, e.g. "inspector:<login>". */
  by: string;
}

export interface ReportRecommendationInput {
  number: number;
  /** Who reports, as given in the portal. */
  reportedBy: string;
  summary: string;
  evidence?: AttachmentRef[];
}

export interface CloseRecommendationInput {
  number: number;
  by: string;
  note?: string;
}

export interface ReopenRecommendationInput {
  number: number;
  by: string;
  reason: string;
  /** New due date (a working day after today); default: remedyWorkingDays working days after today. */
  dueOn?: IsoDate;
}

export interface CancelInspectionInput {
  by: string;
  reason: string;
}

export const INSPECTION_LIMITS = { conclusion: 20000, recommendations: 50, text: 5000 } as const;

/** The workflow ID of an agency's inspection in a year: readable in the Temporal UI. */
export function inspectionWorkflowId(program: string, year: number, agency: string): string {
  return `inspection:${program}:${year}:${agency}`;
}

/** The PhStage value of an inspection stage: `PhStage = "inspection-open"` finds open ones. */
export function inspectionSearchStage(stage: InspectionStage): string {
  return `inspection-${stage === 'concluded' ? 'open' : stage}`;
}
