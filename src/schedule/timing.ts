// When a program's yearly schedule fires and when the cycle it starts begins. Pure (no Node built-ins, no
// I/O): the scheduledCycleStart workflow imports it too.
//
// A Temporal Schedule's calendar spec knows months and days, not working days or lunar holidays, so the
// schedule fires on the earliest date the program's start can fall on (its `cycleStart` date, or the 1st
// of the month for `firstWorkingDayOf`) at FIRE_HOUR, and the workflow it starts computes the real start
// date with the working calendar and waits until START_HOUR on that day.
import { makeIsoDate, type IsoDate } from '../calendar/dates';
import { localDate, localInstant } from '../cycle/clock';
import type { CycleStart } from '../programs/types';

/** Schedules are written in the programs' time zone. */
export const SCHEDULE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Local hour at which a schedule fires (midnight: the earliest moment of its day). */
export const FIRE_HOUR = 0;

/** Local hour at which a cycle starts on its first day: before the first requests go out (08:00). */
export const START_HOUR = 7;

/** The schedule of a program: one per program, whatever the year. */
export function scheduleId(program: string): string {
  return `schedule:${program}`;
}

/** The program a schedule ID names, or undefined for a schedule that is not one of ours. */
export function programOfSchedule(id: string): string | undefined {
  return id.startsWith('schedule:') ? id.slice('schedule:'.length) : undefined;
}

/**
 * Workflow ID prefix of the scheduled runs: Temporal appends the nominal fire time to it
 * (`scheduled-start:dien-bien-kh99-2027-01-01T00:00:00Z`… in the schedule's own format).
 */
export function scheduledRunWorkflowId(program: string): string {
  return `scheduled-start:${program}`;
}

/** The month and day on which the schedule fires: the earliest date the rule can start a cycle on. */
export function fireMonthDay(rule: CycleStart): { month: number; day: number } {
  return 'firstWorkingDayOf' in rule
    ? { month: rule.firstWorkingDayOf.month, day: 1 }
    : { month: rule.month, day: rule.day };
}

/** The instant (ms) the schedule fires in `year`. */
export function fireInstant(rule: CycleStart, year: number): number {
  const { month, day } = fireMonthDay(rule);
  return localInstant(makeIsoDate(year, month, day), FIRE_HOUR);
}

/** The instant (ms) a cycle whose first day is `startsOn` starts. */
export function cycleStartInstant(startsOn: IsoDate): number {
  return localInstant(startsOn, START_HOUR);
}

/** The cycle year a schedule fire at `instantMs` is for: the local (Asia/Ho_Chi_Minh) year. */
export function cycleYearAt(instantMs: number): number {
  return Number(localDate(instantMs).slice(0, 4));
}

/** The rule in words, for people: "15/01" or "first working day of 01". */
export function describeRule(rule: CycleStart): string {
  return 'firstWorkingDayOf' in rule
    ? `first working day of month ${rule.firstWorkingDayOf.month}`
    : `${pad(rule.day)}/${pad(rule.month)}, or the next working day`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
