// The state of one agencyObligations workflow: its obligations, what the status Query shows, the search
// attributes, and the writes and emails every stage change makes. Workflow-safe.
import { isCancellation, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { compareIsoDates, type IsoDate } from '../../calendar/dates';
import { WorkingCalendar } from '../../calendar/working-calendar';
import { calendarNow, localDate, localInstant, type ClockSpec } from '../../cycle/clock';
import type { PlannedMilestone } from '../../cycle/plan';
import type { RecipientRole, TemplateSlot } from '../../programs/types';
import type { ReminderContact } from '../obligation-types';
import { mailActivities, recordActivities } from '../ladder/activities';
import { sendWithFallback } from '../ladder/fallback';
import { workingDaysLate } from './lateness';
import {
  ladderEvents,
  LadderProgress,
  overtakenEvents,
  reachedSteps,
  SEND_HOUR,
  type LadderEvent,
} from '../ladder/schedule';
import {
  CLOSED_STAGES,
  type AgencyObligationsInput,
  type AgencyObligationsStatus,
  type ObligationStatus,
} from '../obligation-types';
import { PhDueAt, PhMilestone, PhStage } from '../search-attributes';

const { recordObligation, recordAudit } = recordActivities();

/**
 * The patch under which a ladder step is reached or not by its time against the submission's receipt
 * (or the waiver), whatever the worker did meanwhile; histories recorded before it drop a step whose
 * timer is handled together with the submission, and count a step sent before a submission is handled.
 */
export const LADDER_STEPS_BY_TIME = 'ladder-steps-by-time';

/**
 * The patch under which the `submit` Update answers once the submission is recorded (read model and
 * stage), and its receipt email follows on the mail queue: a submission no longer waits behind every
 * reminder queued there. Histories recorded before it answer after the receipt email.
 */
export const SUBMIT_ANSWERS_ON_RECORD = 'submit-answers-on-record';

/**
 * The patch under which a workflow that completes shows its outcome in `PhStage` (finalOutcome), not the
 * live stage its last milestone was in. Histories recorded before it end with the live stage shown.
 */
export const FINAL_STAGE_ON_COMPLETION = 'final-stage-on-completion';

/** What `PhStage` says of a completed agency workflow: its worst milestone's outcome (see finalOutcome). */
export type FinalOutcome = 'missing' | 'late' | 'on-time' | 'waived' | 'cancelled';
const OUTCOME_ORDER: readonly FinalOutcome[] = ['missing', 'late', 'on-time', 'waived', 'cancelled'];

type PlannedRung = PlannedMilestone['escalation'][number];

/** "2027-02-17 08:00", local time: how notes and audit entries say when. */
function localMinute(at: number): string {
  const date = localDate(at);
  const minutes = Math.floor((at - localInstant(date)) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date} ${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

export interface Obligation {
  plan: PlannedMilestone;
  status: ObligationStatus;
  /**
   * The receipt email of the last submission while it is on its way (SUBMIT_ANSWERS_ON_RECORD): the
   * coordinator's answer (accepted, returned) waits for it, so the agency reads them in order.
   */
  receiptSending?: Promise<void>;
  /** Bumped by every interaction, to wake the milestone's loop. */
  version: number;
  remindNowRequests: number;
  /** Reminders asked for now to the head or deputy (a link resent to them), in the order asked. */
  remindNowOthers: ReminderContact[];
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
  /** Emails sent after the Update that caused them answered (the receipt): awaited before completing. */
  private readonly sending = new Set<Promise<void>>();
  /** The last instant of the cycle: nothing is sent after it. */
  readonly closesAt: number;
  readonly obligations: Map<string, Obligation>;
  /** The search attributes last upserted (milestone, stage, due), to skip an upsert that changes nothing. */
  private shownSearchAttributes = '';
  // Emails go through the rate-limited mail queue (task-queues.ts).
  private readonly mail = mailActivities();
  /**
   * The escalation steps that count as reached, by "<milestone>:<round>:<step>", and whether each flags
   * the agency for the report: a step sent before a submission received earlier is taken back from them.
   */
  private readonly counted = new Map<string, boolean>();

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
          remindNowOthers: [],
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
    return workingDaysLate(this.calendar, o.status.due, at, () => patched('late-on-day-off'));
  }

  /** When round `round` of the obligation began (calendar ms): the request, or when the due date moved. */
  roundStart(o: Obligation, round: number): number {
    return round === 0 ? localInstant(o.plan.requestOn, SEND_HOUR) : this.now();
  }

  /** The obligation's ladder for its current due date (ladder/schedule.ts). */
  ladderEvents(o: Obligation): LadderEvent<PlannedRung>[] {
    const { plan } = o;
    const reminders = plan.reminders.map((r) => r.workingDaysBefore);
    return ladderEvents(this.calendar, o.status.due, reminders, plan.escalation, SEND_HOUR);
  }

  /** The submission of round `round` received before calendar instant `at`, if any. */
  receivedBefore(
    o: Obligation,
    round: number,
    at: number,
  ): ObligationStatus['submissions'][number] | undefined {
    const last = o.status.submissions.at(-1);
    return last && last.round === round && last.at < at ? last : undefined;
  }

  /**
   * Records that the loop sent escalation step `step` of round `round`, due at `at`: it counts as
   * reached (the `escalated` list, `flagged` for a step that names the agency in the report) unless a
   * submission of that round was received before its time. Returns false when it does not count.
   */
  countSentStep(o: Obligation, step: PlannedRung, round: number, at: number): boolean {
    const earlier = this.receivedBefore(o, round, at);
    if (earlier && patched(LADDER_STEPS_BY_TIME)) {
      o.status.notes.push(
        `${step.step} (due ${localMinute(at)}) was sent, but the submission received at ` +
          `${localMinute(earlier.at)} came first: it does not count`,
      );
      return false;
    }
    o.status.escalated.push(step.step);
    this.counted.set(`${o.plan.key}:${round}:${step.step}`, step.flagForReport);
    if (step.flagForReport) o.status.flagged = true;
    return true;
  }

  /**
   * Decides the current round of the obligation's ladder by the time it stopped being awaited: the
   * receipt of its submission (`submissions.at(-1).at`) or the waiver (now). Steps due at or before then
   * that the loop had not handled yet (their timer came due while the worker was down or busy, and was
   * handled with the submission) count as reached, and their emails, reminders' too, are not sent: a
   * note and an audit entry say so. Steps the loop sent whose time is after the receipt (a submission
   * handled late) are taken back: they stay in the notification log, not in `escalated`, nor flag. Sets
   * the state at once (the loop must not send what is decided here) and returns the promise of the audit
   * entries, or undefined when there is nothing to decide (no await then: the submit handler's commands
   * keep the order recorded histories have).
   */
  settleLadder(o: Obligation, cause: 'submission' | 'waiver'): Promise<void> | undefined {
    const round = o.status.round;
    const received = o.status.submissions.at(-1);
    if (cause === 'waiver' && o.status.stage === 'submitted') return undefined; // its receipt decided
    if (cause === 'submission' && received?.round !== round) return undefined;
    const stoppedAt = cause === 'submission' ? received!.at : this.now();
    const entered = o.ladder.round === round;
    const progress = entered ? o.ladder : { startedAt: this.roundStart(o, round), done: new Set<string>() };
    const events = this.ladderEvents(o);
    const overtaken = overtakenEvents(events, progress, stoppedAt);
    const reached = new Set(reachedSteps(events, stoppedAt, progress.startedAt).map((e) => e.id));
    const key = (step: string) => `${o.plan.key}:${round}:${step}`;
    const takenBack = events.filter(
      (e) => e.kind === 'escalation' && this.counted.has(key(e.id)) && !reached.has(e.id),
    );
    if ((overtaken.length === 0 && takenBack.length === 0) || !patched(LADDER_STEPS_BY_TIME))
      return undefined;

    o.ladder.enter(round, () => progress.startedAt);
    const why =
      cause === 'submission'
        ? `the submission received at ${localMinute(stoppedAt)} came first`
        : `the waiver at ${localMinute(stoppedAt)} came first`;
    const audits: Parameters<typeof recordAudit>[0][] = [];
    for (const e of overtaken) {
      o.ladder.markDone(e.id);
      if (e.kind === 'escalation') {
        o.status.escalated.push(e.step.step);
        this.counted.set(key(e.id), e.step.flagForReport);
        if (e.step.flagForReport) o.status.flagged = true;
      }
      o.status.notes.push(`${e.id} (due ${localMinute(e.at)}) not sent: ${why}`);
      audits.push({
        actor: 'system',
        action: 'obligation.step-not-sent',
        subject: `${this.workflowId}:${o.plan.key}`,
        details: { step: e.id, round, dueAt: e.at, cause, stoppedAt, reached: e.kind === 'escalation' },
      });
    }
    for (const e of takenBack) {
      this.counted.delete(key(e.id));
      const at = o.status.escalated.lastIndexOf(e.id);
      if (at >= 0) o.status.escalated.splice(at, 1);
      o.status.notes.push(`${e.id} (due ${localMinute(e.at)}) was sent, but ${why}: it does not count`);
      audits.push({
        actor: 'system',
        action: 'obligation.step-not-reached',
        subject: `${this.workflowId}:${o.plan.key}`,
        details: { step: e.id, round, dueAt: e.at, cause, stoppedAt },
      });
    }
    if (takenBack.length > 0)
      o.status.flagged = [...this.counted.entries()].some(
        ([k, flags]) => flags && k.startsWith(`${o.plan.key}:`),
      );
    return (async () => {
      for (const audit of audits) await recordAudit(audit);
    })();
  }

  /**
   * Lets `sending` (an email whose Update has answered) go on by itself: the workflow awaits it before it
   * completes (allSent). An email that fails for good is noted on the obligation, as a refused one is;
   * one cancelled with the cycle is not.
   */
  inBackground(o: Obligation, step: string, sending: Promise<void>): Promise<void> {
    const settled = sending.catch((err: unknown) => {
      if (isCancellation(err)) return;
      o.status.notes.push(`${step}: not sent: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.sending.add(settled);
    void settled.then(() => this.sending.delete(settled));
    return settled;
  }

  /** Resolves when every email sent in the background (inBackground) has been sent or has failed. */
  async allSent(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  /**
   * How the obligation ended, by the rule of the cycle's summary (reports/consolidated/outcomes.ts):
   * waived, cancelled, missing (nothing received), or the last submission on time or late.
   */
  outcome(o: Obligation): FinalOutcome {
    if (o.status.stage === 'waived' || o.status.stage === 'cancelled') return o.status.stage;
    const last = o.status.submissions.at(-1);
    if (!last) return 'missing';
    return this.lateness(o, last.at) > 0 ? 'late' : 'on-time';
  }

  /**
   * Shows a completed workflow's outcome in the search attributes (FINAL_STAGE_ON_COMPLETION): `PhStage`
   * is the worst outcome of its milestones (missing, late, on time, waived, cancelled), `PhMilestone` and
   * `PhDueAt` that milestone's. `PhStage = "missing" AND PhYear = 2027` lists the agencies that never
   * sent a milestone of the year, and no completed workflow shows a live stage such as `escalated`.
   */
  showFinalOutcome(): void {
    const ranked = [...this.obligations.values()]
      .map((o) => ({ o, outcome: this.outcome(o) }))
      .sort((a, b) => OUTCOME_ORDER.indexOf(a.outcome) - OUTCOME_ORDER.indexOf(b.outcome));
    const worst = ranked[0];
    if (!worst) return;
    this.shownSearchAttributes = `${worst.o.plan.key}|${worst.outcome}|${worst.o.status.due}`;
    upsertSearchAttributes([
      { key: PhMilestone, value: worst.o.plan.key },
      { key: PhStage, value: worst.outcome },
      { key: PhDueAt, value: new Date(localInstant(worst.o.status.due, 23, 59)) },
    ]);
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
