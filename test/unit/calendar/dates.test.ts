import fc from 'fast-check';
import {
  addDays,
  civilFromDays,
  compareIsoDates,
  daysBetween,
  daysFromCivil,
  fromDayNumber,
  InvalidDateError,
  isIsoDate,
  isoWeekday,
  makeIsoDate,
  parseIsoDate,
  toDayNumber,
  toJulianDayNumber,
  weekdayName,
} from '../../../src/calendar/dates';

/** Oracle for the tests only: the JavaScript Date in UTC (never used by the module itself). */
function viaDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

describe('civil date arithmetic', () => {
  it('knows some fixed points', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01')).toBe(11017);
    expect(fromDayNumber(-1)).toBe('1969-12-31');
    expect(toJulianDayNumber('2000-01-01')).toBe(2451545);
    expect(isoWeekday('2025-01-29')).toBe(3); // Tết Ất Tỵ was a Wednesday
    expect(isoWeekday('2024-02-10')).toBe(6); // Tết Giáp Thìn was a Saturday
    expect(isoWeekday('1970-01-01')).toBe(4);
    expect(weekdayName('2025-09-02')).toBe('Thứ Ba');
    expect(weekdayName('2025-09-07', 'en')).toBe('Sunday');
  });

  it('agrees with the UTC Date on every day number from 1000 to 9999 (sampled)', () => {
    const min = toDayNumber('1000-01-01');
    const max = toDayNumber('9999-12-31');
    fc.assert(
      fc.property(fc.integer({ min, max }), (n) => {
        expect(fromDayNumber(n)).toBe(viaDate(n));
        expect(toDayNumber(fromDayNumber(n))).toBe(n);
        const { year, month, day } = civilFromDays(n);
        expect(daysFromCivil(year, month, day)).toBe(n);
        expect(isoWeekday(fromDayNumber(n))).toBe(((new Date(n * 86_400_000).getUTCDay() + 6) % 7) + 1);
      }),
      { numRuns: 5000 },
    );
  });

  it('walks every day of 1999–2101 one by one without a gap', () => {
    const wrong: string[] = [];
    let d = '1999-01-01';
    for (let n = toDayNumber(d); n <= toDayNumber('2101-12-31'); n++) {
      if (d !== viaDate(n)) wrong.push(`${n}: ${d} != ${viaDate(n)}`);
      d = addDays(d, 1);
    }
    expect(wrong).toEqual([]);
  });

  it('handles leap years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01'); // 2100 is not a leap year
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29'); // 2000 is
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2024-01-01')).toBe(-366);
  });

  it('compares chronologically', () => {
    const dates = ['2025-01-02', '2024-12-31', '2025-01-01'];
    expect([...dates].sort(compareIsoDates)).toEqual(['2024-12-31', '2025-01-01', '2025-01-02']);
    expect(compareIsoDates('2025-01-01', '2025-01-01')).toBe(0);
  });

  it.each([
    ['2025-02-29', '2025-02 has 28 days'],
    ['2025-13-01', 'month 13 does not exist'],
    ['2025-1-01', 'not in the form YYYY-MM-DD'],
    ['25-01-01', 'not in the form YYYY-MM-DD'],
    ['2025-01-01T00:00', 'not in the form YYYY-MM-DD'],
    [20250101, 'not a string but number'],
    [null, 'not a string but null'],
  ])('rejects %p (%s)', (value, reason) => {
    expect(isIsoDate(value)).toBe(false);
    expect(() => parseIsoDate(value)).toThrow(InvalidDateError);
    expect(() => parseIsoDate(value)).toThrow(reason);
  });

  it('builds dates from parts', () => {
    expect(makeIsoDate(2026, 2, 17)).toBe('2026-02-17');
    expect(() => makeIsoDate(2026, 2, 30)).toThrow('2026-02 has 28 days');
    expect(() => makeIsoDate(2026, 2, 1.5)).toThrow('integers');
  });
});
