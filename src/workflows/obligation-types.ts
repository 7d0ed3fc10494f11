// Types shared by the obligation workflows, the activities and the clients (CLI, portal). Pure.
import type { CalendarData } from '../calendar/working-calendar';
import type { IsoDate } from '../calendar/dates';
import type { PlannedMilestone } from '../cycle/plan';

export type ObligationStage =
  | 'scheduled'
  | 'requested'
  | 'reminded'
  | 'overdue'
  | 'escalated'
  | 'submitted'
  | 'returned'
  | 'accepted'
  | 'waived'
  | 'cancelled';

/** Stages after which nothing more is asked of the agency. */
export const CLOSED_STAGES: readonly ObligationStage[] = ['accepted', 'waived', 'cancelled'];

export interface AgencyRef {
  code: string;
  name: string;
  group: string;
}

export interface AgencyObligationsInput {
  /** Database id of the Cycle row (read model, notification log). */
  cycleId: number;
  program: string;
  year: number;
  programVersionId: number;
  agency: AgencyRef;
  /** The milestones this agency owes, as planned for the year. */
  milestones: PlannedMilestone[];
  /** The working calendar the plan was computed with (rebuilt identically on replay). */
  calendar: CalendarData;
  /**
   * The calendar instant (ms) the workflow's start maps to, and how many calendar milliseconds pass per
   * workflow millisecond (1 in production; e.g. 100000 for a demo that plays a year in minutes).
   * `startedMs` is filled by the workflow at its first run and passed on at continue-as-new.
   */
  clock: { originMs: number; scale: number; startedMs?: number };
  /** Calendar day after which the cycle closes: no more reminders or escalations. */
  closesOn: IsoDate;
}

export interface SubmissionRecord {
  receiptNumber: string;
  /** Calendar instant (ms) of the submission. */
  at: number;
  submittedBy: string;
  summary: string;
  round: number;
  /** The figures reported, by the program's figure keys (absent when none). */
  figures?: Record<string, number>;
  /** The attached files' names (the files themselves are in file storage; metadata in the database). */
  attachments?: string[];
}

/**
 * A file attached to a submission, already checked (type sniffed from its content) and stored by the
 * portal under its SHA-256: the workflow carries only this reference.
 */
export interface AttachmentRef {
  fileName: string;
  /** The type detected from the content (never the name or the browser's claim). */
  contentType: string;
  sizeBytes: number;
  /** sha256 of the content, hex. */
  sha256: string;
  /** Location in file storage, relative to its root. */
  storagePath: string;
}

/** Bounds the `submit` Update checks (the portal checks the same, and the program's figure definitions). */
export const SUBMISSION_LIMITS = {
  submittedBy: 200,
  summary: 5000,
  figures: 50,
  attachments: 10,
  fileName: 255,
} as const;

export interface ObligationStatus {
  milestone: string;
  stage: ObligationStage;
  due: IsoDate;
  originalDue: IsoDate;
  /** Increments when the deadline moves (extension, return for revision). */
  round: number;
  submissions: SubmissionRecord[];
  /** Working days late of the accepted (or last) submission; absent when on time or none. */
  lateByWorkingDays?: number;
  /** Escalation steps sent, e.g. ["overdue", "escalate-head"]. */
  escalated: string[];
  /** Named in the consolidated report. */
  flagged: boolean;
  notes: string[];
}

export interface AgencyObligationsStatus {
  agency: AgencyRef;
  program: string;
  year: number;
  /** The workflow's clock: calendar time = originMs + (workflow time - startedMs) × scale. */
  clock: { originMs: number; scale: number; startedMs: number };
  obligations: ObligationStatus[];
}

export interface SubmitInput {
  milestone: string;
  submittedBy: string;
  summary: string;
  /** Figures by the program's keys: finite numbers ≥ 0. */
  figures?: Record<string, number>;
  attachments?: AttachmentRef[];
  /**
   * When the portal received the submission: wall-clock ms of the web server (the workflow maps it to
   * calendar time with its clock, so compressed time works). Absent: the time the workflow handles it.
   */
  receivedAt?: number;
  /** The receipt number the portal gave the agency when it recorded the submission (receipt-time patch). */
  receiptNumber?: string;
}

/**
 * How far (ms) a receipt time may lie ahead of the workflow's clock and still be taken (as the workflow's
 * now): the web server's and the Temporal server's clocks differ a little. Further ahead is refused.
 */
export const RECEIPT_CLOCK_SKEW_MS = 120_000;

export interface SubmitResult {
  receiptNumber: string;
  lateByWorkingDays: number;
}

export interface ExtensionRequestInput {
  milestone: string;
  until: IsoDate;
  reason: string;
  requestedBy: string;
}

export interface CoordinatorActionBase {
  milestone: string;
  /** Who acts, e.g. "coordinator:lo.thi.huong". */
  by: string;
}

/** An agency's own people, whom a reminder sent now can go to. */
export const CONTACT_ROLES_FOR_REMINDER = ['focal_point', 'head', 'deputy'] as const;
export type ReminderContact = (typeof CONTACT_ROLES_FOR_REMINDER)[number];

/** A reminder sent now: to the focal point, or (`to`) to the head or deputy, each with their own link. */
export interface RemindNowInput extends CoordinatorActionBase {
  to?: ReminderContact;
}

export interface ExtendInput extends CoordinatorActionBase {
  until: IsoDate;
  reason: string;
}

export interface ReturnInput extends CoordinatorActionBase {
  reason: string;
  /** New due date; default: `revisionWorkingDays` working days after today. */
  until?: IsoDate;
}

export interface WaiveInput extends CoordinatorActionBase {
  reason: string;
}

/** Working days an agency gets to resubmit after a return, when the coordinator names no date. */
export const DEFAULT_REVISION_WORKING_DAYS = 5;

/** The workflow ID of an agency's obligations in a cycle: readable in the Temporal UI. */
export function agencyWorkflowId(program: string, year: number, agency: string): string {
  return `cycle:${program}:${year}:${agency}`;
}
