import { cachedCycleCalendar } from '../../../src/web/read-cache';
import { PROJECT_HOLIDAY_DIR } from '../../../src/calendar/load';

describe("the portal's read cache", () => {
  it('keeps a cycle year’s working calendar for a minute, then rebuilds it (edited holiday files show)', () => {
    const t0 = 1_800_000_000_000;
    const first = cachedCycleCalendar(2027, PROJECT_HOLIDAY_DIR, t0);
    expect(cachedCycleCalendar(2027, PROJECT_HOLIDAY_DIR, t0 + 59_000)).toBe(first);
    expect(cachedCycleCalendar(2028, PROJECT_HOLIDAY_DIR, t0 + 59_000)).not.toBe(first);
    const later = cachedCycleCalendar(2027, PROJECT_HOLIDAY_DIR, t0 + 61_000);
    expect(later).not.toBe(first);
    // The rebuilt calendar gives the same answers (across the Tết 2027 holidays here).
    expect(later.workingDaysBetween('2027-02-05', '2027-02-11')).toBe(
      first.workingDaysBetween('2027-02-05', '2027-02-11'),
    );
  });
});
