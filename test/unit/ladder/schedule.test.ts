import { buildCalendarData } from '../../../src/calendar/load';
import { WorkingCalendar } from '../../../src/calendar/working-calendar';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import {
  dueDayEnd,
  LadderProgress,
  ladderEvents,
  overtakenEvents,
  reachedSteps,
  reminderTooLate,
  SEND_HOUR,
} from '../../../src/workflows/ladder/schedule';

const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(2027), HOLIDAYS_DIR));
// Due Fri 12/02/2027: reminders 10 and 2 working days before (Fri 22/01, and Wed 03/02 over the Tết
// holiday), the due day's end at midnight, the overdue notice 1 working day after (Mon 15/02) and the
// head 3 after (Wed 17/02).
const DUE = '2027-02-12';
const STEPS = [
  { step: 'overdue', afterWorkingDays: 1 },
  { step: 'escalate-head', afterWorkingDays: 3 },
];
const events = ladderEvents(calendar, DUE, [10, 2], STEPS, SEND_HOUR);
const ids = (list: readonly { id: string }[]) => list.map((e) => e.id);

describe('the ladder schedule', () => {
  it('lists the events of a due date in time order, at the send hour, the due day ending at midnight', () => {
    expect(events.map((e) => [e.id, new Date(e.at).toISOString()])).toEqual([
      ['remind-10', '2027-01-22T01:00:00.000Z'],
      ['remind-2', '2027-02-03T01:00:00.000Z'],
      ['due', '2027-02-12T17:00:00.000Z'],
      ['overdue', '2027-02-15T01:00:00.000Z'],
      ['escalate-head', '2027-02-17T01:00:00.000Z'],
    ]);
    expect(dueDayEnd(DUE)).toBe(localInstant('2027-02-13', 0));
  });

  it('keeps reminders, the due day and steps in that order when they fall on the same instant', () => {
    const same = ladderEvents(calendar, DUE, [0], [{ step: 'at-once', afterWorkingDays: 0 }], SEND_HOUR);
    expect(ids(same)).toEqual(['remind-0', 'at-once', 'due']);
    expect(same[0]!.at).toBe(same[1]!.at);
  });
});

describe('LadderProgress', () => {
  it('gives the events of the round in order, each once', () => {
    const progress = new LadderProgress();
    progress.enter(0, () => localInstant('2027-01-15', SEND_HOUR));
    const seen: string[] = [];
    for (let next = progress.next(events); next; next = progress.next(events)) {
      seen.push(next.id);
      progress.markDone(next.id);
    }
    expect(seen).toEqual(ids(events));
  });

  it('skips the events at or before the round began (a due date moved late)', () => {
    const progress = new LadderProgress();
    progress.enter(1, () => localInstant('2027-02-03', SEND_HOUR));
    expect(progress.next(events)?.id).toBe('due');
  });

  it('asks when a round began only for a new round, and forgets what the last one handled', () => {
    const progress = new LadderProgress();
    const startedAt = jest.fn(() => localInstant('2027-01-15', SEND_HOUR));
    progress.enter(0, startedAt);
    progress.markDone('remind-10');
    progress.enter(0, startedAt);
    expect(startedAt).toHaveBeenCalledTimes(1);
    expect(progress.next(events)?.id).toBe('remind-2');
    progress.enter(1, () => localInstant('2027-01-20', 0));
    expect(progress.round).toBe(1);
    expect(progress.next(events)?.id).toBe('remind-10');
  });

  it('drops a reminder handled after the due day, not the steps after it', () => {
    const [remind10, , due, overdue] = events;
    const after = localInstant('2027-02-13', 0);
    expect(reminderTooLate(remind10!, DUE, after - 1)).toBe(false);
    expect(reminderTooLate(remind10!, DUE, after)).toBe(true);
    expect(reminderTooLate(due!, DUE, after)).toBe(false);
    expect(reminderTooLate(overdue!, DUE, after + 86_400_000)).toBe(false);
  });
});

describe('steps decided by their times', () => {
  const head = localInstant('2027-02-17', SEND_HOUR);

  it('a task received at a step’s time or after it has reached it; one received before, not', () => {
    expect(ids(reachedSteps(events, head))).toEqual(['overdue', 'escalate-head']);
    expect(ids(reachedSteps(events, head + 1))).toEqual(['overdue', 'escalate-head']);
    expect(ids(reachedSteps(events, head - 1))).toEqual(['overdue']);
    expect(ids(reachedSteps(events, localInstant('2027-02-15', 7)))).toEqual([]);
    // Steps of a round that began after them belong to no one.
    expect(ids(reachedSteps(events, head, localInstant('2027-02-16', 0)))).toEqual(['escalate-head']);
  });

  it('the events due by the receipt that the loop had not handled are overtaken, the due day’s end aside', () => {
    const progress = { startedAt: localInstant('2027-01-15', SEND_HOUR), done: new Set(['remind-10']) };
    // The worker was down from 23/01 to 18/02; the submission was received on 17/02 at 09:00.
    expect(ids(overtakenEvents(events, progress, head + 3600_000))).toEqual([
      'remind-2',
      'overdue',
      'escalate-head',
    ]);
    // Received before the head's time: that step is not overtaken (the loop neither sends nor counts it).
    expect(ids(overtakenEvents(events, progress, head - 1))).toEqual(['remind-2', 'overdue']);
    const handled = { ...progress, done: new Set(['remind-10', 'remind-2', 'due', 'overdue']) };
    expect(ids(overtakenEvents(events, handled, head))).toEqual(['escalate-head']);
    expect(ids(overtakenEvents(events, { ...progress, startedAt: head }, head))).toEqual([]);
  });
});
