import {
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
  CancellationScope,
  isCancellation,
  patched,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addDays, compareIsoDates, makeIsoDate, type IsoDate } from '../calendar/dates';
import { WorkingCalendar } from '../calendar/working-calendar';
import { calendarNow, localDate, localInstant, sleepUntil, type ClockSpec } from '../cycle/clock';
import type { PlannedMilestone } from '../cycle/plan';
import type { RecipientRole, TemplateSlot } from '../programs/types';
import {
  CLOSED_STAGES,
  DEFAULT_REVISION_WORKING_DAYS,
  type AgencyObligationsInput,
  type AgencyObligationsStatus,
  type ObligationStatus,
} from './obligation-types';
import { PhDueAt, PhMilestone, PhStage } from './search-attributes';
import { mailTaskQueue } from './task-queues';
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
import { submissionShapeProblem } from './submission-shape';
import { refuse, refusalFailure } from './refusals';

const ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    nonRetryableErrorTypes: ['PermanentEmailFailure'],
  },
};

const { recordObligation, recordSubmission, recordAudit } = proxyActivities<Activities>(ACTIVITY_OPTIONS);

/** Who is told instead, in order, when none of a notice's recipients can be reached. */
const FALLBACK_RECIPIENTS: RecipientRole[][] = [['head'], ['coordinators']];

/** Hour of the day (local) at which requests, reminders and escalations go out. */
const SEND_HOUR = 8;

interface Obligation {
  plan: PlannedMilestone;
  status: ObligationStatus;
  /** Bumped by every interaction, to wake the milestone's loop. */
  version: number;
  remindNowRequests: number;
  /** The round whose events `done` tracks, when it began (calendar ms), and its events already handled. */
  eventsRound: number;
  roundStartedAt: number;
  done: Set<string>;
}

/**
 * One agency's obligations in one cycle: for each milestone it owes, the request, reminders before the
 * due date, the escalation ladder after it, and the agency's submissions with the coordinator's review.
 * Milestones run side by side: a late plan does not hold back the 6-month report.
 */
export async function agencyObligations(input: AgencyObligationsInput): Promise<AgencyObligationsStatus> {
  const calendar = new WorkingCalendar(input.calendar);
  const { workflowId, taskQueue } = workflowInfo();
  // Emails go through the rate-limited mail queue (task-queues.ts).
  const { notifyObligation } = proxyActivities<Activities>({
    ...ACTIVITY_OPTIONS,
    taskQueue: mailTaskQueue(taskQueue),
  });
  const clock: ClockSpec = { ...input.clock, startedMs: input.clock.startedMs ?? Date.now() };
  const now = () => calendarNow(clock, Date.now());
  const today = () => localDate(now());
  const closesAt = localInstant(input.closesOn, 23, 59);

  const obligations = new Map<string, Obligation>(
    input.milestones.map((plan) => [
      plan.key,
      {
        plan,
        version: 0,
        remindNowRequests: 0,
        eventsRound: -1,
        roundStartedAt: 0,
        done: new Set<string>(),
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

  const status = (): AgencyObligationsStatus => ({
    agency: input.agency,
    program: input.program,
    year: input.year,
    clock: { originMs: clock.originMs, scale: clock.scale, startedMs: clock.startedMs },
    obligations: [...obligations.values()].map(
      (o) => JSON.parse(JSON.stringify(o.status)) as ObligationStatus,
    ),
  });

  /** The search attributes last upserted (milestone, stage, due), to skip an upsert that changes nothing. */
  let shownSearchAttributes = '';

  /** The obligation an operator most needs to see: the earliest-due one still open. */
  function refreshSearchAttributes(): void {
    const open = [...obligations.values()]
      .filter((o) => !CLOSED_STAGES.includes(o.status.stage))
      .sort((a, b) => compareIsoDates(a.status.due, b.status.due));
    const current = open[0] ?? [...obligations.values()].at(-1);
    if (!current) return;
    // Only when the values change: most stage changes are of another milestone than the one shown, and
    // each upsert is a history event and a visibility write on the server. Before the patch, every call.
    const shown = `${current.plan.key}|${current.status.stage}|${current.status.due}`;
    if (shown === shownSearchAttributes && patched('search-attributes-on-change')) return;
    shownSearchAttributes = shown;
    upsertSearchAttributes([
      { key: PhMilestone, value: current.plan.key },
      { key: PhStage, value: current.status.stage },
      { key: PhDueAt, value: new Date(localInstant(current.status.due, 23, 59)) },
    ]);
  }

  function obligation(milestone: string): Obligation {
    const o = obligations.get(milestone);
    if (!o) {
      const owed = [...obligations.keys()].join(', ');
      refuse(
        'unknown-milestone',
        { milestone, owed },
        `${input.agency.code} owes no milestone "${milestone}" in ${input.program} ${input.year}; ` +
          `it owes: ${owed}`,
      );
    }
    return o;
  }

  /** Working days from today to the due date; 0 once it has passed (asks the calendar nothing then). */
  function workingDaysLeft(o: Obligation): number {
    if (compareIsoDates(today(), o.status.due) >= 0) return 0;
    return Math.max(0, calendar.workingDaysBetween(today(), o.status.due));
  }

  /** Refuses a date the working calendar does not cover (the handler would fail its workflow task). */
  function requireCovered(date: IsoDate, what: string): void {
    if (!calendar.covers(date)) {
      const years = calendar.coveredYears.join(', ');
      refuse(
        'date-outside-calendar',
        { date, years },
        `${what} ${date} is outside the working calendar (${years})`,
      );
    }
  }

  function requireOpen(o: Obligation, action: string): void {
    if (CLOSED_STAGES.includes(o.status.stage)) {
      refuse(
        'obligation-closed',
        { milestone: o.plan.key, stage: o.status.stage as 'accepted' | 'waived' | 'cancelled' },
        `"${o.plan.key}" is already ${o.status.stage}: cannot ${action}`,
      );
    }
  }

  function notAfterToday(date: IsoDate): never {
    refuse(
      'date-not-after-today',
      { date, today: today() },
      `the new due date ${date} is not after today (${today()})`,
    );
  }

  function noSubmissionWaiting(milestone: string): never {
    refuse('no-submission-waiting', { milestone }, `"${milestone}" has no submission waiting for review`);
  }

  /**
   * How many working days late a submission made at `at` is. A submission after the due date on a day off
   * (the weekend after a Friday deadline, a holiday) is taken in on the next working day, so it is late by
   * one working day, never "on time". Before the patch it counted as on time.
   */
  function lateness(o: Obligation, at: number): number {
    const date = localDate(at);
    if (compareIsoDates(date, o.status.due) <= 0) return 0;
    // A workflow that resumes after its calendar's last year (a worker down for long, or compressed time)
    // counts up to that year's end instead of failing its workflow task for ever.
    const last = makeIsoDate(Math.max(...calendar.coveredYears), 12, 31);
    const late = calendar.workingDaysBetween(o.status.due, calendar.covers(date) ? date : last);
    return late === 0 && patched('late-on-day-off') ? 1 : late;
  }

  async function setStage(o: Obligation, stage: ObligationStatus['stage']): Promise<void> {
    o.status.stage = stage;
    refreshSearchAttributes();
    const last = o.status.submissions.at(-1);
    await recordObligation({
      cycleId: input.cycleId,
      agencyCode: input.agency.code,
      milestone: o.plan.key,
      due: o.status.due,
      stage,
      submittedAt: last?.at,
      lateByWorkingDays: last ? lateness(o, last.at) || undefined : undefined,
      flagged: o.status.flagged,
    });
  }

  async function notify(
    o: Obligation,
    slot: TemplateSlot,
    step: string,
    recipients: RecipientRole[],
    extra: {
      workingDaysLeft?: number;
      workingDaysLate?: number;
      receiptNumber?: string;
      submittedOn?: IsoDate;
      reason?: string;
    } = {},
  ): Promise<void> {
    const send = async (to: RecipientRole[], stepName: string) => {
      const result = await notifyObligation({
        workflowId,
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
        linkExpiresAt: closesAt,
        ...extra,
      });
      for (const failure of result.undeliverable) o.status.notes.push(`undeliverable: ${failure}`);
      return result;
    };
    const result = await send(recipients, step);
    if (result.delivered > 0 || result.undeliverable.length === 0) return;
    // Nobody could be reached (addresses refused for good): the message goes up the ladder at once.
    for (const next of FALLBACK_RECIPIENTS) {
      if (next.every((role) => recipients.includes(role))) continue;
      o.status.notes.push(`${step}: nobody reachable; sent to ${next.join(', ')} instead`);
      if ((await send(next, `${step}-to-${next.join('-')}`)).delivered > 0) return;
    }
  }

  // --- interactions ---------------------------------------------------------------------------

  setHandler(statusQuery, status);

  setHandler(
    submitUpdate,
    async ({ milestone, submittedBy, summary, figures, attachments }) => {
      const o = obligation(milestone);
      const receiptNumber = `${input.year}-${input.agency.code}-${milestone}-${o.status.submissions.length + 1}`;
      const at = now();
      const lateByWorkingDays = lateness(o, at);
      o.status.submissions.push({
        receiptNumber,
        at,
        submittedBy,
        summary,
        round: o.status.round,
        ...(figures && Object.keys(figures).length > 0 ? { figures } : {}),
        ...(attachments?.length ? { attachments: attachments.map((a) => a.fileName) } : {}),
      });
      // At once, before any await: the milestone's loop must not send another reminder or escalation.
      o.status.stage = 'submitted';
      o.version++;
      await recordSubmission({
        cycleId: input.cycleId,
        agencyCode: input.agency.code,
        milestone,
        receiptNumber,
        at,
        submittedBy,
        summary,
        figures,
        attachments,
      });
      await setStage(o, 'submitted');
      await notify(o, 'received', `received-${o.status.submissions.length}`, ['focal_point'], {
        receiptNumber,
        submittedOn: localDate(at),
      });
      return { receiptNumber, lateByWorkingDays };
    },
    {
      validator: ({ milestone, submittedBy, summary, figures, attachments }) => {
        const o = obligation(milestone);
        requireOpen(o, 'submit');
        if (o.status.stage === 'scheduled') {
          refuse(
            'not-open-yet',
            { milestone, requestOn: o.plan.requestOn },
            `"${milestone}" is not open yet: the request goes out on ${o.plan.requestOn}`,
          );
        }
        if (o.status.stage === 'submitted') {
          refuse(
            'already-submitted',
            { milestone },
            `"${milestone}" was already submitted and is waiting for review`,
          );
        }
        if (!submittedBy?.trim())
          refuse('field-required', { field: 'submittedBy' }, 'submittedBy is required');
        if (!summary?.trim()) refuse('field-required', { field: 'summary' }, 'summary is required');
        const problem = submissionShapeProblem({ submittedBy, summary, figures, attachments });
        if (problem) throw refusalFailure(problem);
      },
    },
  );

  setHandler(
    requestExtensionUpdate,
    async ({ milestone, until, reason, requestedBy }) => {
      const o = obligation(milestone);
      o.status.notes.push(`extension requested by ${requestedBy} until ${until}: ${reason}`);
      await recordAudit({
        actor: `agency:${input.agency.code}`,
        action: 'obligation.request-extension',
        subject: `${workflowId}:${milestone}`,
        details: { until, reason, requestedBy, due: o.status.due },
      });
      return 'extension request recorded; the coordinator decides';
    },
    {
      validator: ({ milestone, until, reason }) => {
        const o = obligation(milestone);
        requireOpen(o, 'request an extension');
        if (compareIsoDates(until, o.status.due) <= 0) {
          refuse(
            'date-not-after-due',
            { date: until, due: o.status.due },
            `the requested date ${until} is not after the current due date ${o.status.due}`,
          );
        }
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  setHandler(
    extendUpdate,
    async ({ milestone, until, by, reason }) => {
      const o = obligation(milestone);
      const due = calendar.nextWorkingDayOnOrAfter(until);
      o.status.due = due;
      o.status.round++;
      o.status.notes.push(`extended to ${due} by ${by}: ${reason}`);
      o.version++;
      await setStage(o, o.status.stage === 'scheduled' ? 'scheduled' : 'requested');
      return due;
    },
    {
      validator: ({ milestone, until, reason }) => {
        const o = obligation(milestone);
        requireOpen(o, 'extend');
        requireCovered(until, 'the new due date');
        if (compareIsoDates(until, today()) <= 0) notAfterToday(until);
        if (compareIsoDates(until, o.status.due) <= 0) {
          refuse(
            'date-not-after-current',
            { date: until, due: o.status.due },
            `the new due date ${until} is not after the current one (${o.status.due})`,
          );
        }
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  setHandler(
    returnUpdate,
    async ({ milestone, until, reason, by }) => {
      const o = obligation(milestone);
      const due = calendar.nextWorkingDayOnOrAfter(
        until ?? calendar.addWorkingDays(today(), DEFAULT_REVISION_WORKING_DAYS),
      );
      o.status.due = due;
      o.status.round++;
      o.status.notes.push(`returned by ${by}, new due date ${due}: ${reason}`);
      o.version++;
      await setStage(o, 'returned');
      const last = o.status.submissions.at(-1)!;
      await notify(o, 'returned', 'returned', ['focal_point'], {
        reason,
        receiptNumber: last.receiptNumber,
        submittedOn: localDate(last.at),
      });
      return due;
    },
    {
      validator: ({ milestone, until, reason }) => {
        const o = obligation(milestone);
        requireOpen(o, 'return for revision');
        if (o.status.stage !== 'submitted') noSubmissionWaiting(milestone);
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
        if (until !== undefined) requireCovered(until, 'the new due date');
        else requireCovered(today(), 'today');
        if (until !== undefined && compareIsoDates(until, today()) <= 0) notAfterToday(until);
      },
    },
  );

  setHandler(
    acceptUpdate,
    async ({ milestone, by }) => {
      const o = obligation(milestone);
      const last = o.status.submissions.at(-1)!;
      const late = lateness(o, last.at);
      if (late > 0) o.status.lateByWorkingDays = late;
      o.status.notes.push(`accepted by ${by}`);
      o.version++;
      await setStage(o, 'accepted');
      await notify(o, 'accepted', 'accepted', ['focal_point'], {
        receiptNumber: last.receiptNumber,
        submittedOn: localDate(last.at),
      });
    },
    {
      validator: ({ milestone }) => {
        const o = obligation(milestone);
        requireOpen(o, 'accept');
        if (o.status.stage !== 'submitted') noSubmissionWaiting(milestone);
      },
    },
  );

  setHandler(
    waiveUpdate,
    async ({ milestone, by, reason }) => {
      const o = obligation(milestone);
      o.status.notes.push(`waived by ${by}: ${reason}`);
      o.version++;
      await setStage(o, 'waived');
    },
    {
      validator: ({ milestone, reason }) => {
        requireOpen(obligation(milestone), 'waive');
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  setHandler(
    remindNowUpdate,
    async ({ milestone }) => {
      const o = obligation(milestone);
      o.remindNowRequests++;
      o.version++;
    },
    {
      validator: ({ milestone }) => {
        const o = obligation(milestone);
        requireOpen(o, 'remind');
        if (o.status.stage === 'scheduled') {
          refuse('not-requested-yet', { milestone }, `"${milestone}" has not been requested yet`);
        }
        if (o.status.stage === 'submitted') {
          refuse(
            'reminder-not-needed',
            { milestone },
            `"${milestone}" was submitted and is waiting for review`,
          );
        }
      },
    },
  );

  // --- the milestones ---------------------------------------------------------------------------

  /** Waits until calendar instant `at`, or until the obligation changes; true when `at` was reached. */
  async function waitUntil(o: Obligation, at: number): Promise<boolean> {
    const seen = o.version;
    const changed = await condition(() => o.version !== seen, sleepUntil(clock, Date.now(), at));
    return !changed;
  }

  const waitingForAgency = (o: Obligation) =>
    !CLOSED_STAGES.includes(o.status.stage) && o.status.stage !== 'submitted';

  async function runMilestone(o: Obligation): Promise<void> {
    const plan = o.plan;
    while (!(await waitUntil(o, localInstant(plan.requestOn, SEND_HOUR)))) {
      if (CLOSED_STAGES.includes(o.status.stage)) return;
    }
    await setStage(o, 'requested');
    await notify(o, 'request', 'request', ['focal_point'], {
      workingDaysLeft: workingDaysLeft(o),
    });

    for (;;) {
      if (CLOSED_STAGES.includes(o.status.stage)) return;
      if (o.remindNowRequests > 0) {
        const n = o.remindNowRequests;
        o.remindNowRequests = 0;
        await notify(o, 'reminder', `remind-now-${o.version}-${n}`, ['focal_point'], {
          workingDaysLeft: workingDaysLeft(o),
        });
        continue;
      }
      if (!waitingForAgency(o)) {
        // Submitted: wait for the coordinator's decision (or the end of the cycle).
        if (await waitUntil(o, closesAt)) return;
        continue;
      }
      // The events of the current round, in order. An event that passed while the worker was busy or
      // down is caught up (the ladder is never skipped); a reminder that comes after the due date has
      // passed is dropped. Events already past when the round began (an extension granted late) belong
      // to no one and are not sent.
      const round = o.status.round;
      const due = o.status.due;
      if (o.eventsRound !== round) {
        o.eventsRound = round;
        o.done = new Set();
        o.roundStartedAt = round === 0 ? localInstant(plan.requestOn, SEND_HOUR) : now();
      }
      const dueEnd = localInstant(addDays(due, 1), 0);
      const events = [
        ...plan.reminders.map((r) => ({
          id: `remind-${r.workingDaysBefore}`,
          kind: 'reminder' as const,
          at: localInstant(
            r.workingDaysBefore === 0 ? due : calendar.addWorkingDays(due, -r.workingDaysBefore),
            SEND_HOUR,
          ),
          reminder: r,
        })),
        { id: 'due', kind: 'due' as const, at: dueEnd },
        ...plan.escalation.map((s) => ({
          id: s.step,
          kind: 'escalation' as const,
          at: localInstant(calendar.addWorkingDays(due, s.afterWorkingDays), SEND_HOUR),
          step: s,
        })),
      ]
        .filter((e) => e.at > o.roundStartedAt && !o.done.has(e.id))
        .sort((a, b) => a.at - b.at);
      const next = events[0];
      if (!next || next.at > closesAt) {
        if (await waitUntil(o, closesAt)) return;
        continue;
      }
      if (next.at > now() && !(await waitUntil(o, next.at))) continue;
      if (o.status.round !== round || !waitingForAgency(o)) continue;
      o.done.add(next.id);
      if (next.kind === 'reminder' && now() >= dueEnd) continue;
      if (next.kind === 'reminder') {
        await notify(o, 'reminder', `remind-${next.reminder.workingDaysBefore}`, ['focal_point'], {
          workingDaysLeft: next.reminder.workingDaysBefore,
        });
        if (o.status.stage === 'requested') await setStage(o, 'reminded');
      } else if (next.kind === 'due') {
        if (waitingForAgency(o)) await setStage(o, 'overdue');
      } else {
        const s = next.step;
        await notify(o, s.notice, s.step, s.recipients, { workingDaysLate: s.afterWorkingDays });
        o.status.escalated.push(s.step);
        if (s.flagForReport) o.status.flagged = true;
        // The agency may have submitted while the notice was being sent: its stage then stands.
        if (s.notice === 'escalation' && waitingForAgency(o) && o.status.round === round) {
          await setStage(o, 'escalated');
        }
      }
    }
  }

  refreshSearchAttributes();
  try {
    await Promise.all([...obligations.values()].map((o) => runMilestone(o)));
  } catch (err) {
    if (isCancellation(err)) {
      // The cycle was cancelled: close what is open, so the read model and the status say so.
      await CancellationScope.nonCancellable(async () => {
        for (const o of obligations.values()) {
          if (!CLOSED_STAGES.includes(o.status.stage)) await setStage(o, 'cancelled');
        }
      });
    }
    throw err;
  }
  await condition(allHandlersFinished);
  return status();
}
