// A program's plan for a year, from the project's holiday files: what `phoihop cycle start` (and its dry
// run), the scheduled start and the demo all plan with.
import { buildCalendarData, PROJECT_HOLIDAY_DIR } from '../calendar/load';
import { WorkingCalendar } from '../calendar/working-calendar';
import { UsageError } from '../config/usage-error';
import type { LoadedProgram } from '../programs/load';
import { planCycle, yearsTouchedBy, type CyclePlan } from './plan';

export const HOLIDAYS_DIR = PROJECT_HOLIDAY_DIR;

export function computePlan(program: LoadedProgram, year: number): CyclePlan {
  if (!Number.isInteger(year) || year < 2000 || year > 2099) {
    throw new UsageError(`--year ${year}: expected a year from 2000 to 2099`);
  }
  const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(year), HOLIDAYS_DIR));
  return planCycle(program.definition, year, calendar);
}
