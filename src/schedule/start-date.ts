import type { IsoDate } from '../calendar/dates';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { planCycle } from '../cycle/plan';
import type { ProgramDefinition } from '../programs/types';

/**
 * The first day of a program's cycle in `year`, by the same rule the cycle's plan uses (so the schedule
 * and `cycle plan` never disagree): `{ month, day }`, or the 1st of `firstWorkingDayOf.month`, moved to
 * the next working day when it is a weekend, a holiday or a compensatory day off.
 */
export function cycleStartDate(program: ProgramDefinition, year: number, calendar: WorkingCalendar): IsoDate {
  return planCycle(program, year, calendar).startsOn;
}
