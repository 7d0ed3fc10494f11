// The state of one inspection workflow: its stage, the conclusion and the recommendations followed, what
// the status Query shows, the search attributes, and the writes and emails each change makes.
// Workflow-safe.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { addDays, compareIsoDates, type IsoDate } from '../../calendar/dates';
import { WorkingCalendar } from '../../calendar/working-calendar';
import { calendarNow, localDate, localInstant, type ClockSpec } from '../../cycle/clock';
import {
  inspectionSearchStage,
  type InspectionInput,
  type InspectionStage,
  type InspectionStatus,
  type RecommendationStatus,
} from '../../inspections/types';
import type { InspectionTemplateSlot } from '../../programs/template-variables';
import type { RecipientRole } from '../../programs/types';
import { mailActivities, recordActivities } from '../ladder/activities';
import { sendWithFallback } from '../ladder/fallback';
import { LadderProgress } from '../ladder/schedule';
import type { AttachmentRef } from '../obligation-types';
import { PhDueAt, PhStage } from '../search-attributes';

const { recordInspection, recordRecommendation } = recordActivities();

export interface Followed {
  status: RecommendationStatus;
  /** Bumped by every interaction, to wake the recommendation's loop. */
  version: number;
  /** The round whose events are tracked, when it began, and its events already handled. */
  ladder: LadderProgress;
}

/** What an inspection email says besides the inspection itself. */
export interface InspectionNoticeDetails {
  recommendation?: RecommendationStatus;
  workingDaysLeft?: number;
  workingDaysLate?: number;
}

export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class InspectionState {
  readonly calendar: WorkingCalendar;
  readonly workflowId: string;
  readonly clock: ClockSpec;
  /** The day the notice goes out: noticeWorkingDays working days before the visit. */
  readonly noticeOn: IsoDate;
  stage: InspectionStage = 'planned';
  conclusion: string | undefined;
  concludedOn: IsoDate | undefined;
  /** Calendar instant (ms) of the conclusion. */
  concludedAt: number | undefined;
  /** Bumped by the conclusion and by cancelling, to wake the main loop. */
  version = 0;
  readonly notes: string[] = [];
  readonly followed: Followed[] = [];
  private readonly mail = mailActivities();

  constructor(readonly input: InspectionInput) {
    this.calendar = new WorkingCalendar(input.calendar);
    this.workflowId = workflowInfo().workflowId;
    this.clock = { ...input.clock, startedMs: input.clock.startedMs ?? Date.now() };
    this.noticeOn = this.calendar.addWorkingDays(input.visitOn, -input.noticeWorkingDays);
  }

  /** The calendar instant now (ms). */
  now(): number {
    return calendarNow(this.clock, Date.now());
  }

  today(): IsoDate {
    return localDate(this.now());
  }

  /** Cancelled, or closed with every recommendation. */
  ended(): boolean {
    return this.stage === 'cancelled' || this.stage === 'closed';
  }

  /** The follow-up is over: cancelled, or every recommendation closed. */
  followUpOver(): boolean {
    return this.stage === 'cancelled' || this.followed.every((x) => x.status.status === 'closed');
  }

  status(): InspectionStatus {
    const { input, clock, conclusion, concludedOn } = this;
    return {
      agency: input.agency,
      program: input.program,
      year: input.year,
      kind: input.kind,
      visitOn: input.visitOn,
      noticeOn: this.noticeOn,
      stage: this.stage,
      ...(conclusion !== undefined ? { conclusion, concludedOn } : {}),
      recommendations: this.followed.map((f) => copy(f.status)),
      clock: { originMs: clock.originMs, scale: clock.scale, startedMs: clock.startedMs },
      notes: [...this.notes],
    };
  }

  refreshSearchAttributes(): void {
    const open = this.followed
      .filter((f) => f.status.status !== 'closed')
      .sort((a, b) => compareIsoDates(a.status.dueOn, b.status.dueOn));
    const dueOn = this.stage === 'concluded' ? open[0]?.status.dueOn : undefined;
    upsertSearchAttributes([
      { key: PhStage, value: inspectionSearchStage(this.stage) },
      { key: PhDueAt, value: dueOn ? new Date(localInstant(dueOn, 23, 59)) : null },
    ]);
  }

  async setStage(next: InspectionStage): Promise<void> {
    this.stage = next;
    this.refreshSearchAttributes();
    await recordInspection({
      workflowId: this.workflowId,
      cycleId: this.input.cycleId,
      agencyCode: this.input.agency.code,
      kind: this.input.kind,
      visitOn: this.input.visitOn,
      stage: next,
      conclusion: this.conclusion,
      concludedAt: this.concludedAt,
    });
  }

  async saveRecommendation(f: Followed, evidence?: AttachmentRef[]): Promise<void> {
    this.refreshSearchAttributes();
    const s = f.status;
    const last = s.reports.at(-1);
    await recordRecommendation({
      evidence,
      workflowId: this.workflowId,
      number: s.number,
      text: s.text,
      dueOn: s.dueOn,
      status: s.status,
      reportedAt: last?.at,
      evidenceSummary: last?.summary,
      closedOn: s.closedOn,
      closedBy: s.closedBy,
    });
  }

  /**
   * Emails `step` to `recipients`, up the agency when none of them can be reached. Notes go to the
   * recommendation the email is about, else to the inspection. Returns sendWithFallback's promise itself
   * (the microtask steps the recorded histories have, see ladder/run.ts).
   */
  notify(
    slot: InspectionTemplateSlot,
    step: string,
    recipients: RecipientRole[],
    extra: InspectionNoticeDetails = {},
  ): Promise<void> {
    const { input } = this;
    const r = extra.recommendation;
    const log = r ? r.notes : this.notes;
    return sendWithFallback(
      (to, stepName) =>
        this.mail.notifyInspection({
          workflowId: this.workflowId,
          cycleId: input.cycleId,
          programVersionId: input.programVersionId,
          program: input.program,
          year: input.year,
          agency: input.agency,
          kind: input.kind,
          slot,
          step: stepName,
          recipients: to,
          visitOn: input.visitOn,
          // The agency's task link stays valid until well after what the email asks for.
          linkExpiresAt: localInstant(addDays(r?.dueOn ?? input.visitOn, 90), 0),
          ...(r ? { recommendation: { number: r.number, text: r.text, dueOn: r.dueOn } } : {}),
          workingDaysLeft: extra.workingDaysLeft,
          workingDaysLate: extra.workingDaysLate,
        }),
      recipients,
      step,
      { note: (line) => log.push(line), noteFallbackRefusals: false },
    );
  }
}
