// The follow-up ladder of one dated task as a schedule in calendar time, and which of its events is due
// next in the current round. Pure and workflow-safe: the runner (run.ts) asks it, and nothing else
// decides when a reminder or an escalation step goes out.
import { addDays, type IsoDate } from '../../calendar/dates';
import type { WorkingCalendar } from '../../calendar/working-calendar';
import { localInstant } from '../../cycle/clock';

/** Hour of the day (local) at which requests, notices, reminders and escalations go out. */
export const SEND_HOUR = 8;

/** What the schedule needs of an escalation step: its name and how long after the due date it comes. */
export interface LadderRung {
  step: string;
  afterWorkingDays: number;
}

export type LadderEvent<S extends LadderRung = LadderRung> =
  | { id: string; kind: 'reminder'; at: number; workingDaysBefore: number }
  | { id: string; kind: 'due'; at: number }
  | { id: string; kind: 'escalation'; at: number; step: S };

/**
 * The events of a task due on `due`, in time order: a reminder `r` working days before (the due day
 * itself for 0) at `sendHour`, the end of the due day, and each step `afterWorkingDays` after the due date
 * at `sendHour` (local time). Events at the same instant keep that order (the sort is stable).
 */
export function ladderEvents<S extends LadderRung>(
  calendar: WorkingCalendar,
  due: IsoDate,
  reminders: readonly number[],
  escalation: readonly S[],
  sendHour: number,
): LadderEvent<S>[] {
  const events: LadderEvent<S>[] = [
    ...reminders.map((r) => ({
      id: `remind-${r}`,
      kind: 'reminder' as const,
      at: localInstant(r === 0 ? due : calendar.addWorkingDays(due, -r), sendHour),
      workingDaysBefore: r,
    })),
    { id: 'due', kind: 'due' as const, at: dueDayEnd(due) },
    ...escalation.map((step) => ({
      id: step.step,
      kind: 'escalation' as const,
      at: localInstant(calendar.addWorkingDays(due, step.afterWorkingDays), sendHour),
      step,
    })),
  ];
  return events.sort((a, b) => a.at - b.at);
}

/** The end of the due day (local midnight after it): the task is overdue from then on. */
export function dueDayEnd(due: IsoDate): number {
  return localInstant(addDays(due, 1), 0);
}

/**
 * A reminder handled at or after the end of the due day (caught up after the worker was down, or delayed
 * by a busy worker) is dropped: it would say "n days left" of a task already overdue.
 */
export function reminderTooLate(event: LadderEvent<LadderRung>, due: IsoDate, now: number): boolean {
  return event.kind === 'reminder' && now >= dueDayEnd(due);
}

/**
 * Where one task is on its ladder: the round (deadline) whose events are tracked, when that round began
 * (calendar ms) and the events of it already handled. A new round (the due date moved) starts afresh.
 */
export class LadderProgress {
  round = -1;
  startedAt = 0;
  done = new Set<string>();

  /** Tracks `round` from now on; `startedAt` is asked only when the round is a new one. */
  enter(round: number, startedAt: () => number): void {
    if (this.round === round) return;
    this.round = round;
    this.done = new Set();
    this.startedAt = startedAt();
  }

  /**
   * The first of `events` (in time order) not yet handled in this round. Events at or before the round's
   * start belong to no one (an extension granted late must not send the new round's past reminders).
   */
  next<E extends { id: string; at: number }>(events: readonly E[]): E | undefined {
    return events.find((e) => e.at > this.startedAt && !this.done.has(e.id));
  }

  markDone(id: string): void {
    this.done.add(id);
  }
}

/**
 * The escalation steps of one round that a task received (or waived) at calendar instant `receivedAt`
 * has reached: those whose time is after the round's start and at or before `receivedAt`. Decided by the
 * times alone, whatever the worker sent meanwhile: a step that came due during an outage counts though
 * its timer was handled after the submission, and one sent before a submission received earlier (but
 * handled later) does not.
 */
export function reachedSteps<S extends LadderRung>(
  events: readonly LadderEvent<S>[],
  receivedAt: number,
  roundStartedAt = -Infinity,
): Extract<LadderEvent<S>, { kind: 'escalation' }>[] {
  return events.filter(
    (e): e is Extract<LadderEvent<S>, { kind: 'escalation' }> =>
      e.kind === 'escalation' && e.at > roundStartedAt && e.at <= receivedAt,
  );
}

/**
 * The reminders and escalation steps of one round overtaken by the task's receipt (or waiver) at
 * `stoppedAt`: due at or before it, after the round's start, and not yet handled by the loop (whose
 * timer had not been handled when the receipt was). Their emails are not sent; the steps among them
 * still count as reached (reachedSteps).
 */
export function overtakenEvents<S extends LadderRung>(
  events: readonly LadderEvent<S>[],
  progress: { startedAt: number; done: ReadonlySet<string> },
  stoppedAt: number,
): Exclude<LadderEvent<S>, { kind: 'due' }>[] {
  return events.filter(
    (e): e is Exclude<LadderEvent<S>, { kind: 'due' }> =>
      e.kind !== 'due' && e.at > progress.startedAt && e.at <= stoppedAt && !progress.done.has(e.id),
  );
}
