import fc from 'fast-check';
import { join } from 'node:path';
import {
  addDays,
  compareIsoDates,
  toDayNumber,
  fromDayNumber,
  type IsoDate,
} from '../../../src/calendar/dates';
import { buildCalendarData } from '../../../src/calendar/load';
import {
  CalendarDataError,
  CalendarRangeError,
  WorkingCalendar,
  type CalendarData,
} from '../../../src/calendar/working-calendar';

const HOLIDAY_DIR = join(__dirname, '../../../data/holidays');
const data = buildCalendarData([2024, 2025, 2026], HOLIDAY_DIR);
const cal = new WorkingCalendar(data);

/** Runs of consecutive non-working days in `year` that contain a day off, clipped to the year. */
function breaks(calendar: WorkingCalendar, year: number): string[] {
  const runs: string[] = [];
  let d = `${year}-01-01`;
  while (d.startsWith(String(year))) {
    if (calendar.isWorkingDay(d)) {
      d = addDays(d, 1);
      continue;
    }
    const start = d;
    let hasDayOff = false;
    let end = d;
    while (d.startsWith(String(year)) && !calendar.isWorkingDay(d)) {
      hasDayOff ||= calendar.dayOff(d) !== undefined;
      end = d;
      d = addDays(d, 1);
    }
    if (hasDayOff) runs.push(start === end ? start : `${start}..${end}`);
  }
  return runs;
}

describe('WorkingCalendar against the official schedules', () => {
  it('2025: the days off state offices had', () => {
    expect(breaks(cal, 2025)).toEqual([
      '2025-01-01', // Wednesday
      '2025-01-25..2025-02-02', // Tết Ất Tỵ, 9 days
      '2025-04-05..2025-04-07', // Giỗ Tổ on Monday 7/4
      '2025-04-30..2025-05-04', // 30/4–1/5 with Friday 2/5 swapped for Saturday 26/4
      '2025-08-30..2025-09-02', // Quốc khánh, 4 days
    ]);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true); // the make-up Saturday
    expect(cal.extraWorkingDay('2025-04-26')?.name).toBe('Làm bù cho ngày 02/05/2025');
  });

  it('2024: the days off state offices had', () => {
    expect(breaks(cal, 2024)).toEqual([
      '2024-01-01', // Monday (the break began on Saturday 30/12/2023, outside this calendar)
      '2024-02-08..2024-02-14', // Tết Giáp Thìn, 7 days
      '2024-04-18', // Giỗ Tổ, Thursday
      '2024-04-27..2024-05-01', // Monday 29/4 swapped for Saturday 4/5
      '2024-08-31..2024-09-03', // Quốc khánh, 4 days
    ]);
    expect(cal.isWorkingDay('2024-05-04')).toBe(true);
  });

  it('explains a day off and lists the year', () => {
    expect(cal.dayOff('2025-01-29')).toMatchObject({
      name: 'Tết Nguyên Đán',
      kind: 'holiday',
      holiday: 'tet',
    });
    expect(cal.dayOff('2025-01-25')).toBeUndefined(); // an ordinary Saturday
    expect(cal.holidaysIn(2025).map((d) => d.date)).toContain('2025-05-02');
    expect(cal.extraWorkingDaysIn(2024).map((d) => d.date)).toEqual(['2024-05-04']);
    expect(cal.sourcesOf(2025)[0]).toBe('Bộ luật Lao động 2019, Điều 112');
  });
});

describe('WorkingCalendar arithmetic', () => {
  it('moves a due date off a day off, and counts lateness in working days', () => {
    expect(cal.nextWorkingDayOnOrAfter('2025-01-25')).toBe('2025-02-03');
    expect(cal.nextWorkingDayOnOrAfter('2025-02-03')).toBe('2025-02-03');
    expect(cal.previousWorkingDayOnOrBefore('2025-02-02')).toBe('2025-01-24');
    expect(cal.addWorkingDays('2025-01-24', 1)).toBe('2025-02-03');
    expect(cal.addWorkingDays('2025-02-03', -1)).toBe('2025-01-24');
    expect(cal.addWorkingDays('2025-01-25', 0)).toBe('2025-01-25');
    expect(cal.addWorkingDays('2025-04-25', 1)).toBe('2025-04-26'); // the make-up Saturday counts
    expect(cal.workingDaysBetween('2025-01-24', '2025-02-03')).toBe(1); // due Friday, in on Monday after Tết
    expect(cal.workingDaysBetween('2025-02-03', '2025-01-24')).toBe(-1);
    expect(cal.workingDaysBetween('2025-01-24', '2025-01-24')).toBe(0);
    expect(cal.workingDaysBetween('2024-01-01', '2026-12-31')).toBe(
      [2024, 2025, 2026].reduce((n, y) => n + countWorking(`${y}-01-01`, `${y}-12-31`), 0) - 0,
    );
  });

  it('throws, naming the date and the covered years, outside its range', () => {
    expect(() => cal.isWorkingDay('2027-01-04')).toThrow(CalendarRangeError);
    expect(() => cal.isWorkingDay('2027-01-04')).toThrow(
      'Date 2027-01-04 is outside the working calendar, which covers 2024–2026',
    );
    expect(() => cal.addWorkingDays('2026-12-30', 5)).toThrow('Date 2027-01-01 is outside');
    expect(() => cal.addWorkingDays('2024-01-02', -2)).toThrow('Date 2023-12-31 is outside');
    expect(() => cal.workingDaysBetween('2024-06-01', '2027-02-01')).toThrow('2027-02-01');
    expect(() => cal.holidaysIn(2023)).toThrow('2023-01-01 is outside');
    const gappy = new WorkingCalendar({ ...data, years: [data.years[0]!, data.years[2]!] });
    expect(() => gappy.isWorkingDay('2025-06-02')).toThrow('covers 2024, 2026');
    expect(() => gappy.workingDaysBetween('2024-06-03', '2026-06-01')).toThrow('Date 2025-01-01 is outside');
    expect(() => cal.addWorkingDays('2025-01-02', 1.5)).toThrow('n must be an integer');
  });
});

/** Brute-force oracle: working days in [a, b]. */
function countWorking(a: IsoDate, b: IsoDate): number {
  let n = 0;
  for (let d = a; compareIsoDates(d, b) <= 0; d = addDays(d, 1)) if (cal.isWorkingDay(d)) n++;
  return n;
}

describe('WorkingCalendar laws (property tests over 2024–2026)', () => {
  // Dates and step counts that keep every result inside the covered years (2024-04-01 … 2026-10-31, |n| ≤ 40).
  const date = fc
    .integer({ min: toDayNumber('2024-04-01'), max: toDayNumber('2026-10-31') })
    .map((n) => fromDayNumber(n));
  const steps = fc.integer({ min: -40, max: 40 });
  const positive = fc.integer({ min: 1, max: 40 });
  const options = { numRuns: 500 };

  it('add(add(d, n), −n) = d for a working day d; in general previousWorkingDayOnOrBefore(d) for n > 0 and nextWorkingDayOnOrAfter(d) for n < 0', () => {
    // Why: for n > 0 let w1 < … < wn be the first n working days after d, so add(d, n) = wn. Stepping back n
    // working days from wn passes w(n−1) … w1 and stops at the last working day before w1, which is the last
    // working day on or before d: d itself when d is a working day. Mirror image for n < 0. So for a working
    // day d (where previous- and nextWorkingDayOn…(d) are both d) the round trip is the identity.
    fc.assert(
      fc.property(date, positive, (d, n) => {
        expect(cal.addWorkingDays(cal.addWorkingDays(d, n), -n)).toBe(cal.previousWorkingDayOnOrBefore(d));
        expect(cal.addWorkingDays(cal.addWorkingDays(d, -n), n)).toBe(cal.nextWorkingDayOnOrAfter(d));
        const working = cal.nextWorkingDayOnOrAfter(d);
        expect(cal.addWorkingDays(cal.addWorkingDays(working, n), -n)).toBe(working);
        expect(cal.addWorkingDays(cal.addWorkingDays(working, -n), n)).toBe(working);
      }),
      options,
    );
  });

  it('workingDaysBetween(d, addWorkingDays(d, n)) = n for a working day d (and any d when n ≥ 0)', () => {
    fc.assert(
      fc.property(date, steps, (d, n) => {
        const working = cal.nextWorkingDayOnOrAfter(d);
        expect(cal.workingDaysBetween(working, cal.addWorkingDays(working, n))).toBe(n);
        if (n >= 0) expect(cal.workingDaysBetween(d, cal.addWorkingDays(d, n))).toBe(n);
      }),
      options,
    );
  });

  it('addWorkingDays(d, n) is a working day for n ≠ 0, strictly after d for n > 0 and before for n < 0', () => {
    fc.assert(
      fc.property(date, steps, (d, n) => {
        fc.pre(n !== 0);
        const r = cal.addWorkingDays(d, n);
        expect(cal.isWorkingDay(r)).toBe(true);
        expect(compareIsoDates(r, d)).toBe(n > 0 ? 1 : -1);
      }),
      options,
    );
  });

  it('is monotonic in the date and strictly increasing in n', () => {
    fc.assert(
      fc.property(date, date, steps, steps, (a, b, m, n) => {
        const [d1, d2] = compareIsoDates(a, b) <= 0 ? [a, b] : [b, a];
        expect(compareIsoDates(cal.addWorkingDays(d1, n), cal.addWorkingDays(d2, n))).toBeLessThanOrEqual(0);
        expect(
          compareIsoDates(cal.nextWorkingDayOnOrAfter(d1), cal.nextWorkingDayOnOrAfter(d2)),
        ).toBeLessThanOrEqual(0);
        expect(cal.workingDaysBetween(d1, d2)).toBeGreaterThanOrEqual(0);
        if (m !== n) {
          const [lo, hi] = m < n ? [m, n] : [n, m];
          expect(compareIsoDates(cal.addWorkingDays(d1, lo), cal.addWorkingDays(d1, hi))).toBe(-1);
        }
      }),
      options,
    );
  });

  it('counts like a brute-force loop, is antisymmetric and additive', () => {
    fc.assert(
      fc.property(date, date, date, (a, b, c) => {
        const ab = cal.workingDaysBetween(a, b);
        if (compareIsoDates(a, b) <= 0) expect(ab).toBe(countWorking(addDays(a, 1), b));
        expect(cal.workingDaysBetween(b, a) + ab).toBe(0);
        expect(ab + cal.workingDaysBetween(b, c)).toBe(cal.workingDaysBetween(a, c));
      }),
      { numRuns: 200 },
    );
  });

  it('nextWorkingDayOnOrAfter(d) is the first working day from d on', () => {
    fc.assert(
      fc.property(date, (d) => {
        const next = cal.nextWorkingDayOnOrAfter(d);
        expect(cal.isWorkingDay(next)).toBe(true);
        for (let x = d; compareIsoDates(x, next) < 0; x = addDays(x, 1))
          expect(cal.isWorkingDay(x)).toBe(false);
      }),
      options,
    );
  });
});

describe('CalendarData', () => {
  it('survives a JSON round trip with identical answers', () => {
    const copy = WorkingCalendar.fromJSON(JSON.stringify(data));
    expect(copy.toData()).toEqual(data);
    expect(JSON.parse(JSON.stringify(copy.toData()))).toEqual(data);
    for (let d = '2024-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      expect(copy.isWorkingDay(d)).toBe(cal.isWorkingDay(d));
      expect(copy.dayOff(d)).toEqual(cal.dayOff(d));
    }
    fc.assert(
      fc.property(
        fc.integer({ min: toDayNumber('2024-04-01'), max: toDayNumber('2026-10-31') }).map(fromDayNumber),
        fc.integer({ min: -40, max: 40 }),
        (d, n) => {
          expect(copy.addWorkingDays(d, n)).toBe(cal.addWorkingDays(d, n));
          expect(copy.workingDaysBetween('2024-01-01', d)).toBe(cal.workingDaysBetween('2024-01-01', d));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is not changed by the calendar, nor by changing what toData returned', () => {
    const before = JSON.stringify(data);
    const c = new WorkingCalendar(data);
    c.toData().years[0]!.daysOff.length = 0;
    c.holidaysIn(2025)[0]!.name = 'changed';
    expect(JSON.stringify(data)).toBe(before);
    expect(c.holidaysIn(2025)[0]!.name).toBe('Tết Dương lịch');
  });

  it.each<[string, (d: CalendarData) => unknown, string]>([
    ['a bad format', (d) => ({ ...d, format: 'x' }), 'at format'],
    [
      'unsorted years',
      (d) => ({ ...d, years: [d.years[1], d.years[0]] }),
      'years[1].year: 2024 is not after 2025',
    ],
    [
      'a date outside its year',
      (d) => ({
        ...d,
        years: [{ ...d.years[0]!, daysOff: [{ ...d.years[0]!.daysOff[0]!, date: '2023-01-01' }] }],
      }),
      'years[0].daysOff[0].date: 2023-01-01 is not in 2024',
    ],
    [
      'a day both off and worked',
      (d) => ({
        ...d,
        years: [{ ...d.years[0]!, workingDays: [{ date: '2024-01-01', name: 'x', nameEn: 'x' }] }],
      }),
      'years[0].workingDays[0].date: 2024-01-01 appears twice in 2024',
    ],
    ['no rest-day list', (d) => ({ ...d, weeklyRestDays: [8] }), 'at weeklyRestDays'],
  ])('rejects %s', (_what, mutate, message) => {
    expect(() => new WorkingCalendar(mutate(data) as CalendarData)).toThrow(CalendarDataError);
    expect(() => new WorkingCalendar(mutate(data) as CalendarData)).toThrow(message);
  });
});
