import { buildCalendarData, PROJECT_HOLIDAY_DIR } from '../../../src/calendar/load';
import { WorkingCalendar } from '../../../src/calendar/working-calendar';
import { findProgram } from '../../../src/programs/find';
import type { CycleStart, ProgramDefinition } from '../../../src/programs/types';
import { desiredSchedule } from '../../../src/schedule/schedules';
import { cycleStartDate } from '../../../src/schedule/start-date';
import { scheduledCycleStart } from '../../../src/workflows/scheduled-cycle-start';
import {
  cycleStartInstant,
  cycleYearAt,
  fireInstant,
  fireMonthDay,
  scheduleId,
} from '../../../src/schedule/timing';

const calendar = new WorkingCalendar(buildCalendarData([2026, 2027, 2028, 2029], PROJECT_HOLIDAY_DIR));
const plan99 = findProgram('dien-bien-kh99').definition;
const withStart = (start: CycleStart): ProgramDefinition => ({
  ...plan99,
  cycle: { ...plan99.cycle, start },
});

/** The cycle's first day by the program's rule and the working calendar (holidays computed + year files). */
describe('cycleStartDate', () => {
  it.each([
    // 2027-01-01 is a Friday and New Year's Day, then a weekend.
    [{ firstWorkingDayOf: { month: 1 } }, 2027, '2027-01-04'],
    // 2028-01-01 is a Saturday: New Year's Day, Sunday, then Monday 3rd is its compensatory day off.
    [{ firstWorkingDayOf: { month: 1 } }, 2028, '2028-01-04'],
    [{ firstWorkingDayOf: { month: 2 } }, 2027, '2027-02-01'],
    // Tết 2027: 5–9 February, compensatory days 10–11: a fixed date inside moves past all of it.
    [{ month: 2, day: 6 }, 2027, '2027-02-12'],
    // Tết 2028: 25–29 January, Sunday 30th, compensatory Monday 31st.
    [{ month: 1, day: 25 }, 2028, '2028-02-01'],
    // A fixed date on a weekend moves to the next working day (the schema's rule, as in the plan).
    [{ month: 1, day: 15 }, 2028, '2028-01-17'],
    // Plan 99's own rule, on a working day: unchanged.
    [{ month: 1, day: 15 }, 2027, '2027-01-15'],
  ] as [CycleStart, number, string][])('%j in %i starts on %s', (rule, year, expected) => {
    expect(cycleStartDate(withStart(rule), year, calendar)).toBe(expected);
  });
});

describe('schedule timing', () => {
  it('fires on the earliest date the rule can start on, at local midnight (UTC+7)', () => {
    expect(fireMonthDay({ firstWorkingDayOf: { month: 1 } })).toEqual({ month: 1, day: 1 });
    expect(fireMonthDay({ month: 1, day: 15 })).toEqual({ month: 1, day: 15 });
    expect(new Date(fireInstant({ firstWorkingDayOf: { month: 1 } }, 2027)).toISOString()).toBe(
      '2026-12-31T17:00:00.000Z',
    );
    expect(new Date(cycleStartInstant('2027-01-04')).toISOString()).toBe('2027-01-04T00:00:00.000Z');
  });

  it('counts the year of a fire in local time, not UTC', () => {
    expect(cycleYearAt(fireInstant({ firstWorkingDayOf: { month: 1 } }, 2027))).toBe(2027);
    expect(cycleYearAt(Date.parse('2026-12-31T16:59:59Z'))).toBe(2026);
  });

  it('describes the schedule the sync writes: yearly calendar spec, SKIP, catch-up, the program as input', () => {
    const desired = desiredSchedule(withStart({ firstWorkingDayOf: { month: 1 } }), 'phoihop');
    expect(desired.spec).toEqual({
      calendars: [
        expect.objectContaining({ month: 'JANUARY', dayOfMonth: 1, hour: 0, minute: 0, second: 0 }),
      ],
      timezone: 'Asia/Ho_Chi_Minh',
    });
    expect(desired.action).toMatchObject({
      workflowType: scheduledCycleStart.name,
      workflowId: 'scheduled-start:dien-bien-kh99',
      taskQueue: 'phoihop',
      args: [{ program: 'dien-bien-kh99' }],
    });
    expect(desired.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 31 * 24 * 3600_000 });
    expect(scheduleId('dien-bien-kh99')).toBe('schedule:dien-bien-kh99');
    // A different rule is a different schedule version (what `sync` compares).
    const other = desiredSchedule(withStart({ month: 1, day: 15 }), 'phoihop');
    expect(other.action.memo).not.toEqual(desired.action.memo);
  });
});
