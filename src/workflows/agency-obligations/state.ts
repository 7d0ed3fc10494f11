// The state of one agencyObligations workflow: its obligations, what the status Query shows, the search
// attributes, and the writes and emails every stage change makes. Workflow-safe.
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { compareIsoDates, makeIsoDate, type IsoDate } from '../../calendar/dates';
import { WorkingCalendar } from '../../calendar/working-calendar';
import { calendarNow, localDate, localInstant, type ClockSpec } from '../../cycle/clock';
import type { PlannedMilestone } from '../../cycle/plan';
import type { RecipientRole, TemplateSlot } from '../../programs/types';
import { mailActivities, recordActivities } from '../ladder/activities';
import { sendWithFallback } from '../ladder/fallback';
import { LadderProgress } from '../ladder/schedule';
import {
  CLOSED_STAGES,
  type AgencyObligationsInput,
  type AgencyObligationsStatus,
  type ObligationStatus,
} from '../obligation-types';
import { PhDueAt, PhMilestone, PhStage } from '../search-attributes';

const { recordObligation } = recordActivities();

export interface Obligation {
  plan: PlannedMilestone;
  status: ObligationStatus;
  /** Bumped by every interaction, to wake the milestone's loop. */
  version: number;
  remindNowRequests: number;
  /** The round whose events are tracked, when it began, and its events already handled. */
  ladder: LadderProgress;
}

/** What an obligation email says besides the milestone and its due date. */
export interface NoticeDetails {
  workingDaysLeft?: number;
  workingDaysLate?: number;
  receiptNumber?: string;
  submittedOn?: IsoDate;
  reason?: string;
}

export class AgencyObligations {
  readonly calendar: WorkingCalendar;
  readonly workflowId: string;
  readonly clock: ClockSpec;
  /** The last instant of the cycle: nothing is sent after it. */
  readonly closesAt: number;
  readonly obligations: Map<string, Obligation>;
  /** The search attributes last upserted (milestone, stage, due), to skip an upsert that changes nothing. */
  private shownSearchAttributes = '';
  // Emails go through the rate-limited mail queue (task-queues.ts).
  private readonly mail = mailActivities();

  constructor(readonly input: AgencyObligationsInput) {
    this.calendar = new WorkingCalendar(input.calendar);
    this.workflowId = workflowInfo().workflowId;
    this.clock = { ...input.clock, startedMs: input.clock.startedMs ?? Date.now() };
    this.closesAt = localInstant(input.closesOn, 23, 59);
    this.obligations = new Map(
      input.milestones.map((plan) => [
        plan.key,
        {
          plan,
          version: 0,
          remindNowRequests: 0,
          ladder: new LadderProgress(),
          status: {
            milestone: plan.key,
            stage: 'scheduled',
            due: plan.due,
            originalDue: plan.due,
            round: 0,
            submissions: [],
            escalated: [],
            flagged: false,
            notes: [],
          },
        },
      ]),
    );
  }

  /** The calendar instant now (ms). */
  now(): number {
    return calendarNow(this.clock, Date.now());
  }

  today(): IsoDate {
    return localDate(this.now());
  }

  status(): AgencyObligationsStatus {
    const { input, clock } = this;
    return {
      agency: input.agency,
      program: input.program,
      year: input.year,
      clock: { originMs: clock.originMs, scale: clock.scale, startedMs: clock.startedMs },
      obligations: [...this.obligations.values()].map(
        (o) => JSON.parse(JSON.stringify(o.status)) as ObligationStatus,
      ),
    };
  }

  /** The obligation an operator most needs to see: the earliest-due one still open. */
  refreshSearchAttributes(): void {
    const open = [...this.obligations.values()]
      .filter((o) => !CLOSED_STAGES.includes(o.status.stage))
      .sort((a, b) => compareIsoDates(a.status.due, b.status.due));
    const current = open[0] ?? [...this.obligations.values()].at(-1);
    if (!current) return;
    // Only when the values change: most stage changes are of another milestone than the one shown, and
    // each upsert is a history event and a visibility write on the server. Histories recorded before the
    // patch upsert on every call.
    const shown = `${current.plan.key}|${current.status.stage}|${current.status.due}`;
    if (shown === this.shownSearchAttributes && patched('search-attributes-on-change')) return;
    this.shownSearchAttributes = shown;
    upsertSearchAttributes([
      { key: PhMilestone, value: current.plan.key },
      { key: PhStage, value: current.status.stage },
      { key: PhDueAt, value: new Date(localInstant(current.status.due, 23, 59)) },
    ]);
  }

  /** Working days from today to the due date; 0 once it has passed (asks the calendar nothing then). */
  workingDaysLeft(o: Obligation): number {
    const today = this.today();
    if (compareIsoDates(today, o.status.due) >= 0) return 0;
    return Math.max(0, this.calendar.workingDaysBetween(today, o.status.due));
  }

  /**
   * How many working days late a submission made at `at` is. A submission after the due date on a day off
   * (the weekend after a Friday deadline, a holiday) is taken in on the next working day, so it is late by
   * one working day, never "on time" (histories recorded before the patch count it on time).
   */
  lateness(o: Obligation, at: number): number {
    const { calendar } = this;
    const date = localDate(at);
    if (compareIsoDates(date, o.status.due) <= 0) return 0;
    // A workflow that resumes after its calendar's last year (a worker down for long, or compressed time)
    // counts up to that year's end instead of failing its workflow task for ever.
    const last = makeIsoDate(Math.max(...calendar.coveredYears), 12, 31);
    const late = calendar.workingDaysBetween(o.status.due, calendar.covers(date) ? date : last);
    return late === 0 && patched('late-on-day-off') ? 1 : late;
  }

  async setStage(o: Obligation, stage: ObligationStatus['stage']): Promise<void> {
    o.status.stage = stage;
    this.refreshSearchAttributes();
    const last = o.status.submissions.at(-1);
    await recordObligation({
      cycleId: this.input.cycleId,
      agencyCode: this.input.agency.code,
      milestone: o.plan.key,
      due: o.status.due,
      stage,
      submittedAt: last?.at,
      lateByWorkingDays: last ? this.lateness(o, last.at) || undefined : undefined,
      flagged: o.status.flagged,
    });
  }

  /**
   * Emails `step` of the obligation to `recipients`, up the agency when none of them can be reached.
   * Returns sendWithFallback's promise itself, and each send is an async step of its own around the
   * activity: the microtask steps the milestone loops were recorded with (see ladder/run.ts).
   */
  notify(
    o: Obligation,
    slot: TemplateSlot,
    step: string,
    recipients: RecipientRole[],
    extra: NoticeDetails = {},
  ): Promise<void> {
    const { input } = this;
    return sendWithFallback(
      async (to, stepName) => {
        const result = await this.mail.notifyObligation({
          workflowId: this.workflowId,
          cycleId: input.cycleId,
          programVersionId: input.programVersionId,
          agency: input.agency,
          milestone: o.plan.key,
          slot,
          // Unique per deadline round: a reminder re-armed after an extension is a new email.
          step: `${o.plan.key}:r${o.status.round}:${stepName}`,
          recipients: to,
          due: o.status.due,
          period: o.plan.period,
          linkExpiresAt: this.closesAt,
          ...extra,
        });
        return result;
      },
      recipients,
      step,
      { note: (line) => o.status.notes.push(line), noteFallbackRefusals: true },
    );
  }
}
