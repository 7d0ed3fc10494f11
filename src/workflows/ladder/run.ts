// The follow-up loop shared by an obligation's milestone and an inspection's recommendation: the request
// (if any) on its day, reminders before the due date, the end of the due day, the escalation steps after
// it, round after round as the due date moves, until the task is received or over. Workflow-safe.
//
// Every callback that sends or writes returns the promise of that one step (an email, a read-model
// write), and the loop awaits it itself: between a timer or activity resolving and the next command there
// are as many microtask steps as when each workflow had this loop inline, so when several loops resume
// in one activation (two milestones, or recommendations, on the same hour) their commands keep the order
// the recorded histories have.
import type { IsoDate } from '../../calendar/dates';
import type { WorkingCalendar } from '../../calendar/working-calendar';
import { calendarNow, type ClockSpec } from '../../cycle/clock';
import {
  ladderEvents,
  reminderTooLate,
  SEND_HOUR,
  type LadderEvent,
  type LadderProgress,
  type LadderRung,
} from './schedule';
import { waitUntil } from './wait';

type Reminder<S extends LadderRung> = Extract<LadderEvent<S>, { kind: 'reminder' }>;
type Escalation<S extends LadderRung> = Extract<LadderEvent<S>, { kind: 'escalation' }>;

export interface Ladder<S extends LadderRung> {
  clock: ClockSpec;
  calendar: WorkingCalendar;
  /** The task's reminders (working days before its due date) and escalation steps. */
  reminders: readonly number[];
  escalation: readonly S[];
  /** Where the task is on its ladder (kept by the caller, which owns the task's state). */
  progress: LadderProgress;
  /** Bumped by every interaction with the task: wakes a wait. */
  version: () => number;
  /** The current round (bumped when the due date moves) and due date. */
  round: () => number;
  due: () => IsoDate;
  /** When round `round` began (calendar ms): its events at or before then are not sent. */
  roundStart: (round: number) => number;
  /** Events after this calendar instant are not waited for (the cycle closes first). */
  horizon: number;
  /** The task is over for good: the loop returns. */
  over: () => boolean;
  /** The task is still awaited from its assignee (nothing received, nothing waiting for review). */
  waiting: () => boolean;
  /** Waits while nothing is to be sent (received, or the ladder spent); true ends the loop. */
  idle: () => Promise<boolean>;
  /** A request that opens the task at calendar instant `at`: the stage it sets, then the email. */
  request?: { at: number; open: () => Promise<void>; send: () => Promise<void> };
  /** Something asked for out of schedule (a reminder now): the promise of sending it, else undefined. */
  interject?: () => Promise<void> | undefined;
  /** Sends a reminder, then (if any) sets the stage a reminder leads to. */
  remind: (event: Reminder<S>, round: number) => Promise<void>;
  reminded?: () => Promise<void> | undefined;
  /** Sets the stage of a task past its due day (if any). */
  overdue?: () => Promise<void> | undefined;
  /** Sends an escalation step, then records that it was sent (and the stage it leads to, if any). */
  escalate: (event: Escalation<S>, round: number) => Promise<void>;
  escalated: (event: Escalation<S>, round: number) => Promise<void> | undefined;
}

/**
 * Runs the task's ladder. Each event of the current round is handled once, in time order: one that passed
 * while the worker was busy or down is caught up, except a reminder that comes after the due day, which
 * is dropped; events already past when the round began belong to no one. After every wait the task is
 * looked at afresh: a submission, a new due date or a closing wins. What a submission handled together
 * with an event's timer makes of that event is the caller's (agency-obligations/state.ts, settleLadder).
 */
export async function runLadder<S extends LadderRung>(ladder: Ladder<S>): Promise<void> {
  const now = () => calendarNow(ladder.clock, Date.now());
  const { request } = ladder;
  if (request) {
    while (!(await waitUntil(ladder.clock, request.at, ladder.version))) {
      if (ladder.over()) return;
    }
    await request.open();
    await request.send();
  }
  for (;;) {
    if (ladder.over()) return;
    const interjected = ladder.interject?.();
    if (interjected) {
      await interjected;
      continue;
    }
    if (!ladder.waiting()) {
      if (await ladder.idle()) return;
      continue;
    }
    const round = ladder.round();
    const due = ladder.due();
    ladder.progress.enter(round, () => ladder.roundStart(round));
    const next = ladder.progress.next(
      ladderEvents(ladder.calendar, due, ladder.reminders, ladder.escalation, SEND_HOUR),
    );
    if (!next || next.at > ladder.horizon) {
      if (await ladder.idle()) return;
      continue;
    }
    if (next.at > now() && !(await waitUntil(ladder.clock, next.at, ladder.version))) continue;
    if (ladder.round() !== round || !ladder.waiting()) continue;
    ladder.progress.markDone(next.id);
    if (reminderTooLate(next, due, now())) continue;
    let stage: Promise<void> | undefined;
    if (next.kind === 'reminder') {
      await ladder.remind(next, round);
      stage = ladder.reminded?.();
    } else if (next.kind === 'due') {
      stage = ladder.overdue?.();
    } else {
      await ladder.escalate(next, round);
      stage = ladder.escalated(next, round);
    }
    if (stage) await stage;
  }
}
