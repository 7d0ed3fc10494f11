// How many working days late a submission is: the rule the agency workflow records (Obligation
// .lateByWorkingDays) and the chaos harness checks against the agencies' own send times. Pure and
// workflow-safe.
import { compareIsoDates, makeIsoDate, type IsoDate } from '../../calendar/dates';
import type { WorkingCalendar } from '../../calendar/working-calendar';
import { localDate } from '../../cycle/clock';

/**
 * Working days from `due` to the local date of calendar instant `at`; 0 on or before the due date. A
 * submission after the due date on a day off (the weekend after a Friday deadline, a holiday) is taken in
 * on the next working day, so it is late by one working day when `dayOffCountsLate()` says so (asked only
 * then: the workflow answers with its `late-on-day-off` patch). An instant past the calendar's last year
 * (a workflow that resumes after it, a worker down for long or compressed time) counts up to that year's
 * end instead of failing.
 */
export function workingDaysLate(
  calendar: WorkingCalendar,
  due: IsoDate,
  at: number,
  dayOffCountsLate: () => boolean = () => true,
): number {
  const date = localDate(at);
  if (compareIsoDates(date, due) <= 0) return 0;
  const last = makeIsoDate(Math.max(...calendar.coveredYears), 12, 31);
  const late = calendar.workingDaysBetween(due, calendar.covers(date) ? date : last);
  return late === 0 && dayOffCountsLate() ? 1 : late;
}
