import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addDays, compareIsoDates, isIsoDate, type IsoDate } from '../calendar/dates';
import { WorkingCalendar } from '../calendar/working-calendar';
import { calendarNow, localDate, localInstant, sleepUntil, type ClockSpec } from '../cycle/clock';
import { ladderEvents } from '../inspections/ladder';
import {
  INSPECTION_LIMITS,
  inspectionSearchStage,
  type InspectionInput,
  type InspectionStage,
  type InspectionStatus,
  type RecommendationStatus,
} from '../inspections/types';
import type { InspectionTemplateSlot } from '../programs/template-variables';
import type { RecipientRole } from '../programs/types';
import { PhAgency, PhDueAt, PhMilestone, PhProgram, PhStage, PhYear } from './search-attributes';
import { submissionShapeProblem } from './submission-shape';
import { refuse, refusalFailure } from './refusals';
import { mailTaskQueue } from './task-queues';
import type { AttachmentRef } from './obligation-types';
import {
  cancelInspectionUpdate,
  closeRecommendationUpdate,
  inspectionStatusQuery,
  recordConclusionUpdate,
  reopenRecommendationUpdate,
  reportRecommendationUpdate,
} from './messages/inspection';

const ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    nonRetryableErrorTypes: ['PermanentEmailFailure'],
  },
};

const { recordInspection, recordRecommendation, recordAudit } = proxyActivities<Activities>(ACTIVITY_OPTIONS);

/** Who is told instead, in order, when none of an email's recipients can be reached. */
const FALLBACK_RECIPIENTS: RecipientRole[][] = [['head'], ['coordinators']];

/** Hour of the day (local) at which the notice, reminders and escalations go out. */
const SEND_HOUR = 8;

/** The milestone inspections belong to in the program (read model, notification log, PhMilestone). */
const MILESTONE = 'inspection';

interface Followed {
  status: RecommendationStatus;
  /** Bumped by every interaction, to wake the recommendation's loop. */
  version: number;
  eventsRound: number;
  roundStartedAt: number;
  done: Set<string>;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * One agency's inspection: the notice to its focal point and head N working days before the visit, the
 * inspector's conclusion with its recommendations, and each recommendation followed (reminders before its
 * due date, the escalation ladder after it) until the agency reports it done and the inspector closes it.
 * Ends when every recommendation is closed, or when cancelled.
 */
export async function inspection(input: InspectionInput): Promise<InspectionStatus> {
  const calendar = new WorkingCalendar(input.calendar);
  const { workflowId, taskQueue } = workflowInfo();
  const { notifyInspection } = proxyActivities<Activities>({
    ...ACTIVITY_OPTIONS,
    taskQueue: mailTaskQueue(taskQueue),
  });
  const clock: ClockSpec = { ...input.clock, startedMs: input.clock.startedMs ?? Date.now() };
  const now = () => calendarNow(clock, Date.now());
  const today = () => localDate(now());
  const noticeOn = calendar.addWorkingDays(input.visitOn, -input.noticeWorkingDays);

  let stage: InspectionStage = 'planned';
  let conclusion: string | undefined;
  let concludedOn: IsoDate | undefined;
  /** Calendar instant (ms) of the conclusion. */
  let concludedAt: number | undefined;
  /** Bumped by the conclusion and by cancelling, to wake the main loop. */
  let version = 0;
  const notes: string[] = [];
  const followed: Followed[] = [];

  const status = (): InspectionStatus => ({
    agency: input.agency,
    program: input.program,
    year: input.year,
    kind: input.kind,
    visitOn: input.visitOn,
    noticeOn,
    stage,
    ...(conclusion !== undefined ? { conclusion, concludedOn } : {}),
    recommendations: followed.map((f) => copy(f.status)),
    clock: { originMs: clock.originMs, scale: clock.scale, startedMs: clock.startedMs },
    notes: [...notes],
  });

  function refreshSearchAttributes(): void {
    const open = followed
      .filter((f) => f.status.status !== 'closed')
      .sort((a, b) => compareIsoDates(a.status.dueOn, b.status.dueOn));
    const dueOn = stage === 'concluded' ? open[0]?.status.dueOn : undefined;
    upsertSearchAttributes([
      { key: PhStage, value: inspectionSearchStage(stage) },
      { key: PhDueAt, value: dueOn ? new Date(localInstant(dueOn, 23, 59)) : null },
    ]);
  }

  async function setStage(next: InspectionStage): Promise<void> {
    stage = next;
    refreshSearchAttributes();
    await recordInspection({
      workflowId,
      cycleId: input.cycleId,
      agencyCode: input.agency.code,
      kind: input.kind,
      visitOn: input.visitOn,
      stage: next,
      conclusion,
      concludedAt,
    });
  }

  async function saveRecommendation(f: Followed, evidence?: AttachmentRef[]): Promise<void> {
    refreshSearchAttributes();
    const s = f.status;
    const last = s.reports.at(-1);
    await recordRecommendation({
      evidence,
      workflowId,
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

  async function notify(
    slot: InspectionTemplateSlot,
    step: string,
    recipients: RecipientRole[],
    extra: { recommendation?: RecommendationStatus; workingDaysLeft?: number; workingDaysLate?: number } = {},
  ): Promise<void> {
    const r = extra.recommendation;
    const send = (to: RecipientRole[], stepName: string) =>
      notifyInspection({
        workflowId,
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
      });
    const result = await send(recipients, step);
    const log = r ? r.notes : notes;
    for (const failure of result.undeliverable) log.push(`undeliverable: ${failure}`);
    if (result.delivered > 0 || result.undeliverable.length === 0) return;
    for (const next of FALLBACK_RECIPIENTS) {
      if (next.every((role) => recipients.includes(role))) continue;
      log.push(`${step}: nobody reachable; sent to ${next.join(', ')} instead`);
      if ((await send(next, `${step}-to-${next.join('-')}`)).delivered > 0) return;
    }
  }

  // --- interactions ---------------------------------------------------------------------------

  function recommendation(n: number): Followed {
    const f = followed.find((x) => x.status.number === n);
    if (!f) {
      refuse(
        'no-recommendation',
        { number: n, count: followed.length },
        followed.length === 0
          ? `no recommendation ${n}: no conclusion has been recorded yet`
          : `no recommendation ${n}: the conclusion has ${followed.length} (1 to ${followed.length})`,
      );
    }
    return f;
  }

  function requireActive(action: string): void {
    if (stage === 'cancelled' || stage === 'closed') {
      refuse('inspection-ended', { stage }, `the inspection is ${stage}: cannot ${action}`);
    }
  }

  /** Refuses a due date that is not a working day after today; `recommendation` is its line on the form. */
  function checkDueDate(dueOn: unknown, what: string, recommendation?: number): void {
    if (!isIsoDate(dueOn)) {
      refuse(
        'not-a-date',
        { value: String(dueOn) },
        `${what}: ${JSON.stringify(dueOn)} is not a date written YYYY-MM-DD`,
      );
    }
    const message = (problem: string) => `${what}: ${dueOn} ${problem}`;
    if (compareIsoDates(dueOn, today()) <= 0) {
      const values = { date: dueOn, today: today() };
      const notAfter = message(`is not after today (${today()})`);
      if (recommendation === undefined) refuse('date-not-after-today', values, notAfter);
      refuse('recommendation-due-not-after-today', { recommendation, ...values }, notAfter);
    }
    if (!calendar.isWorkingDay(dueOn)) {
      const notWorking = message('is not a working day');
      if (recommendation === undefined) refuse('date-not-working-day', { date: dueOn }, notWorking);
      refuse('recommendation-due-not-working-day', { recommendation, date: dueOn }, notWorking);
    }
  }

  setHandler(inspectionStatusQuery, status);

  setHandler(
    recordConclusionUpdate,
    async ({ conclusion: text, recommendations, by }) => {
      const day = today();
      const defaultDue = calendar.addWorkingDays(
        calendar.nextWorkingDayOnOrAfter(day),
        input.remedyWorkingDays,
      );
      conclusion = text.trim();
      concludedOn = day;
      concludedAt = now();
      recommendations.forEach((r, i) => {
        const dueOn = r.dueOn ?? defaultDue;
        followed.push({
          version: 0,
          eventsRound: -1,
          roundStartedAt: 0,
          done: new Set(),
          status: {
            number: i + 1,
            text: r.text.trim(),
            dueOn,
            originalDueOn: dueOn,
            status: 'open',
            round: 0,
            reports: [],
            escalated: [],
            flagged: false,
            notes: [],
          },
        });
      });
      version++;
      await setStage(followed.length > 0 ? 'concluded' : 'closed');
      for (const f of followed) await saveRecommendation(f);
      await recordAudit({
        actor: by,
        action: 'inspection.conclude',
        subject: workflowId,
        details: {
          recommendations: followed.map((f) => ({ number: f.status.number, dueOn: f.status.dueOn })),
        },
      });
      return followed.map((f) => copy(f.status));
    },
    {
      validator: ({ conclusion: text, recommendations, by }) => {
        requireActive('record a conclusion');
        if (conclusion !== undefined) {
          refuse(
            'conclusion-already-recorded',
            { concludedOn: concludedOn! },
            `the conclusion was already recorded on ${concludedOn}`,
          );
        }
        if (compareIsoDates(today(), input.visitOn) < 0) {
          refuse(
            'before-visit',
            { visitOn: input.visitOn, today: today() },
            `the visit is on ${input.visitOn}: no conclusion before it (today is ${today()})`,
          );
        }
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
        if (typeof text !== 'string' || !text.trim()) {
          refuse('field-required', { field: 'conclusion' }, 'the conclusion text is required');
        }
        if (text.length > INSPECTION_LIMITS.conclusion) {
          const limit = INSPECTION_LIMITS.conclusion;
          refuse(
            'text-too-long',
            { field: 'conclusion', limit },
            `the conclusion is longer than ${limit} characters`,
          );
        }
        if (!Array.isArray(recommendations)) {
          refuse(
            'not-a-list',
            { field: 'recommendations' },
            'recommendations must be a list (empty when none)',
          );
        }
        if (recommendations.length > INSPECTION_LIMITS.recommendations) {
          const limit = INSPECTION_LIMITS.recommendations;
          refuse('too-many', { what: 'recommendations', limit }, `more than ${limit} recommendations`);
        }
        recommendations.forEach((r, i) => {
          const recommendation = i + 1;
          if (typeof r?.text !== 'string' || !r.text.trim()) {
            refuse(
              'recommendation-text-required',
              { recommendation },
              `recommendation ${recommendation}: text is required`,
            );
          }
          if (r.text.length > INSPECTION_LIMITS.text) {
            const limit = INSPECTION_LIMITS.text;
            refuse(
              'recommendation-text-too-long',
              { recommendation, limit },
              `recommendation ${recommendation}: text is longer than ${limit} characters`,
            );
          }
          if (r.dueOn !== undefined) {
            checkDueDate(r.dueOn, `recommendation ${recommendation}: due date`, recommendation);
          }
        });
      },
    },
  );

  setHandler(
    reportRecommendationUpdate,
    async ({ number, reportedBy, summary, evidence }) => {
      const f = recommendation(number);
      const at = now();
      f.status.reports.push({
        at,
        reportedBy,
        summary,
        ...(evidence?.length ? { evidence: evidence.map((e) => e.fileName) } : {}),
      });
      // At once, before any await: the recommendation's loop must not send another reminder.
      f.status.status = 'reported';
      f.version++;
      await saveRecommendation(f, evidence ?? []);
    },
    {
      validator: ({ number, reportedBy, summary, evidence }) => {
        requireActive('report a recommendation');
        const f = recommendation(number);
        if (f.status.status !== 'open') {
          refuse(
            'recommendation-already',
            { number, status: f.status.status },
            `recommendation ${number} is already ${f.status.status}`,
          );
        }
        if (!reportedBy?.trim()) refuse('field-required', { field: 'reportedBy' }, 'reportedBy is required');
        if (!summary?.trim()) refuse('field-required', { field: 'summary' }, 'summary is required');
        const problem = submissionShapeProblem({ submittedBy: reportedBy, summary, attachments: evidence });
        if (problem) throw refusalFailure(problem);
      },
    },
  );

  setHandler(
    closeRecommendationUpdate,
    async ({ number, by, note }) => {
      const f = recommendation(number);
      f.status.status = 'closed';
      f.status.closedBy = by;
      f.status.closedOn = today();
      if (note?.trim()) f.status.notes.push(`closed by ${by}: ${note.trim()}`);
      f.version++;
      await saveRecommendation(f);
      await notify('recommendation-closed', `rec-${number}/closed`, ['focal_point'], {
        recommendation: f.status,
      });
    },
    {
      validator: ({ number, by }) => {
        requireActive('close a recommendation');
        const f = recommendation(number);
        if (f.status.status === 'closed') {
          refuse(
            'recommendation-already',
            { number, status: 'closed' },
            `recommendation ${number} is already closed`,
          );
        }
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
      },
    },
  );

  setHandler(
    reopenRecommendationUpdate,
    async ({ number, by, reason, dueOn }) => {
      const f = recommendation(number);
      const due =
        dueOn ?? calendar.addWorkingDays(calendar.nextWorkingDayOnOrAfter(today()), input.remedyWorkingDays);
      f.status.status = 'open';
      f.status.dueOn = due;
      f.status.round++;
      delete f.status.closedBy;
      delete f.status.closedOn;
      f.status.notes.push(`reopened by ${by}, new due date ${due}: ${reason.trim()}`);
      f.version++;
      await saveRecommendation(f);
      return due;
    },
    {
      validator: ({ number, by, reason, dueOn }) => {
        requireActive('reopen a recommendation');
        const f = recommendation(number);
        if (f.status.status === 'open') {
          refuse('recommendation-open', { number }, `recommendation ${number} is open: nothing to reopen`);
        }
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
        if (dueOn !== undefined) checkDueDate(dueOn, 'new due date');
      },
    },
  );

  setHandler(
    cancelInspectionUpdate,
    async ({ by, reason }) => {
      notes.push(`cancelled by ${by}: ${reason.trim()}`);
      version++;
      for (const f of followed) f.version++;
      await setStage('cancelled');
      await recordAudit({ actor: by, action: 'inspection.cancel', subject: workflowId, details: { reason } });
    },
    {
      validator: ({ by, reason }) => {
        requireActive('cancel');
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  // --- the process ----------------------------------------------------------------------------

  const ended = () => stage === 'cancelled' || stage === 'closed';

  /** Waits until calendar instant `at`, or until `version()` changes; true when `at` was reached. */
  async function waitUntil(at: number, changed: () => number): Promise<boolean> {
    const seen = changed();
    return !(await condition(() => changed() !== seen, sleepUntil(clock, Date.now(), at)));
  }

  /** The follow-up is over: cancelled, or every recommendation closed. */
  const followUpOver = () => stage === 'cancelled' || followed.every((x) => x.status.status === 'closed');

  /** Waits until the recommendation changes (or the follow-up is over). */
  async function nextChange(f: Followed): Promise<void> {
    const seen = f.version;
    await condition(() => f.version !== seen || followUpOver());
  }

  async function follow(f: Followed): Promise<void> {
    const s = f.status;
    for (;;) {
      if (followUpOver()) return;
      if (s.status !== 'open') {
        // Reported: waiting for the inspector to close it or reopen it. Closed: it may still be reopened
        // while others are open.
        await nextChange(f);
        continue;
      }
      const round = s.round;
      if (f.eventsRound !== round) {
        f.eventsRound = round;
        f.done = new Set();
        f.roundStartedAt = now();
      }
      // As in agencyObligations: events that passed while the worker was busy are caught up in order;
      // a reminder that comes after the due date is dropped; events already past when the round began
      // belong to no one.
      const dueEnd = localInstant(addDays(s.dueOn, 1), 0);
      const next = ladderEvents(calendar, s.dueOn, input.reminders, input.escalation, SEND_HOUR).find(
        (e) => e.at > f.roundStartedAt && !f.done.has(e.id),
      );
      if (!next) {
        // The ladder is spent: the recommendation stays open until reported and closed (or cancelled).
        await nextChange(f);
        continue;
      }
      if (next.at > now() && !(await waitUntil(next.at, () => f.version))) continue;
      if (s.round !== round || s.status !== 'open' || stage === 'cancelled') continue;
      f.done.add(next.id);
      const step = `rec-${s.number}/r${round}/${next.id}`;
      if (next.kind === 'reminder') {
        if (now() >= dueEnd) continue;
        await notify('recommendation-reminder', step, ['focal_point'], {
          recommendation: s,
          workingDaysLeft: next.workingDaysBefore,
        });
      } else if (next.kind === 'escalation') {
        const slot = next.step.notice === 'overdue' ? 'recommendation-overdue' : 'recommendation-escalation';
        await notify(slot, step, next.step.recipients, {
          recommendation: s,
          workingDaysLate: next.step.afterWorkingDays,
        });
        s.escalated.push(next.step.step);
        if (next.step.flagForReport) s.flagged = true;
      }
    }
  }

  upsertSearchAttributes([
    { key: PhProgram, value: input.program },
    { key: PhYear, value: input.year },
    { key: PhAgency, value: input.agency.code },
    { key: PhMilestone, value: MILESTONE },
  ]);
  try {
    await setStage('planned');
    // The notice, at the send hour of its day (at once when that has passed: an inspection planned late).
    while (!(await waitUntil(localInstant(noticeOn, SEND_HOUR), () => version))) {
      if (ended()) break;
    }
    if (!ended()) {
      await setStage('noticed');
      await notify('inspection-notice', 'notice', ['focal_point', 'head']);
    }
    while (!ended() && conclusion === undefined) {
      if (await waitUntil(localInstant(input.visitOn, 0), () => version)) break;
    }
    if (!ended() && conclusion === undefined) await setStage('visited');
    await condition(() => ended() || conclusion !== undefined);
    if (!ended()) {
      await Promise.all(followed.map((f) => follow(f)));
      if (!ended()) await setStage('closed');
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => setStage('cancelled'));
    }
    throw err;
  }
  await condition(allHandlersFinished);
  return status();
}
