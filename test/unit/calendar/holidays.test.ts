import { isoWeekday } from '../../../src/calendar/dates';
import {
  AdjustmentError,
  buildCalendarYear,
  compensatoryDays,
  defaultNationalDayAdjacent,
  holidayLawOf,
  statutoryHolidays,
} from '../../../src/calendar/holidays';

const dates = (days: { date: string }[]): string[] => days.map((d) => d.date);

describe('statutory public holidays', () => {
  it('lists the 11 days of Labour Code 2019 Art. 112 for 2026, with Vietnamese and English names', () => {
    expect(statutoryHolidays(2026).map((d) => [d.date, d.name, d.nameEn])).toEqual([
      ['2026-01-01', 'Tết Dương lịch', "New Year's Day"],
      ['2026-02-16', 'Tết Nguyên Đán', 'Lunar New Year (Tết)'], // 29 tháng Chạp, the last day of Ất Tỵ
      ['2026-02-17', 'Tết Nguyên Đán', 'Lunar New Year (Tết)'], // mùng 1
      ['2026-02-18', 'Tết Nguyên Đán', 'Lunar New Year (Tết)'],
      ['2026-02-19', 'Tết Nguyên Đán', 'Lunar New Year (Tết)'],
      ['2026-02-20', 'Tết Nguyên Đán', 'Lunar New Year (Tết)'], // mùng 4
      ['2026-04-26', 'Giỗ Tổ Hùng Vương', "Hùng Kings' Commemoration Day"],
      ['2026-04-30', 'Ngày Chiến thắng', 'Reunification Day'],
      ['2026-05-01', 'Ngày Quốc tế Lao động', 'International Labour Day'],
      ['2026-09-02', 'Quốc khánh', 'National Day'],
      ['2026-09-03', 'Quốc khánh (ngày liền kề)', 'National Day holiday'],
    ]);
  });

  it('follows the law in force each year', () => {
    expect(holidayLawOf(2026)).toBe('Bộ luật Lao động 2019, Điều 112');
    expect(statutoryHolidays(2005)).toHaveLength(8); // 1994 code: Tết 4 days, no Hùng Kings, 2/9 alone
    expect(statutoryHolidays(2005).some((d) => d.holiday === 'hung-kings')).toBe(false);
    expect(statutoryHolidays(2010)).toHaveLength(9); // Hùng Kings from 2007
    expect(statutoryHolidays(2015)).toHaveLength(10); // 2012 code: Tết 5 days
    expect(statutoryHolidays(2021)).toHaveLength(11); // 2019 code: 2/9 and an adjacent day
    expect(() => statutoryHolidays(1999)).toThrow('2000–2100');
    expect(() => statutoryHolidays(2101)).toThrow('2000–2100');
    expect(() => statutoryHolidays(2015, { nationalDayAdjacent: '2015-09-03' })).toThrow('no adjacent day');
  });

  it('never puts two holidays on one date, 2000–2100', () => {
    for (let year = 2000; year <= 2100; year++) {
      const days = dates(statutoryHolidays(year));
      expect(new Set(days).size).toBe(days.length);
    }
  });

  it('models Tết as the last day of the lunar year and mùng 1–4 by default, adjustable', () => {
    expect(dates(statutoryHolidays(2025).filter((d) => d.holiday === 'tet'))).toEqual([
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
    ]);
    expect(
      dates(statutoryHolidays(2025, { tetDaysBeforeNewYear: 2 }).filter((d) => d.holiday === 'tet')),
    ).toEqual(['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']);
    expect(() => statutoryHolidays(2025, { tetDaysBeforeNewYear: 5 })).toThrow('from 0 to 4');
  });

  it.each([
    [2021, '2021-09-03'], // 2/9 Thursday
    [2022, '2022-09-01'], // Friday
    [2023, '2023-09-01'], // Saturday
    [2024, '2024-09-03'], // Monday
    [2025, '2025-09-01'], // Tuesday
  ])('picks the day adjacent to 2/9 in %i as that year’s decision did (%s)', (year, date) => {
    expect(defaultNationalDayAdjacent(year)).toBe(date);
  });
});

describe('compensatory days (Labour Code 2019 Art. 111(3))', () => {
  it('moves each holiday on a weekend to the next working day not already off (2022)', () => {
    // 1/1/2022 Saturday; Giỗ Tổ 10/4/2022 Sunday; 30/4 Saturday and 1/5 Sunday.
    const comp = compensatoryDays(statutoryHolidays(2022));
    expect(comp.map((d) => [d.date, d.holiday])).toEqual([
      ['2022-01-03', 'new-year'],
      ['2022-04-11', 'hung-kings'],
      ['2022-05-02', 'reunification'],
      ['2022-05-03', 'labour-day'],
    ]);
    expect(comp[0]).toMatchObject({
      name: 'Nghỉ bù Tết Dương lịch',
      nameEn: "Compensatory day off for New Year's Day",
      kind: 'compensatory',
    });
  });

  it('skips days that are already holidays (Tết 2024 falls on a weekend)', () => {
    const year = buildCalendarYear(2024, { tetDaysBeforeNewYear: 2 });
    expect(year.daysOff.filter((d) => d.holiday === 'tet').map((d) => [d.date, d.kind])).toEqual([
      ['2024-02-08', 'holiday'],
      ['2024-02-09', 'holiday'],
      ['2024-02-10', 'holiday'], // Saturday
      ['2024-02-11', 'holiday'], // Sunday
      ['2024-02-12', 'holiday'],
      ['2024-02-13', 'compensatory'],
      ['2024-02-14', 'compensatory'],
    ]);
  });

  it('compensates only on weekdays, for every year 2000–2100', () => {
    for (let year = 2000; year <= 2100; year++) {
      const built = buildCalendarYear(year);
      const holidaysOnWeekend = built.daysOff.filter((d) => d.kind === 'holiday' && isoWeekday(d.date) >= 6);
      const compensatory = built.daysOff.filter((d) => d.kind === 'compensatory');
      expect(compensatory).toHaveLength(holidaysOnWeekend.length);
      for (const c of compensatory) expect(isoWeekday(c.date)).toBeLessThan(6);
    }
  });
});

describe('year adjustments', () => {
  it('applies remove, add, swap and workingDays', () => {
    const year = buildCalendarYear(2026, {
      sources: ['test decision'],
      remove: [{ date: '2026-04-27' }],
      add: [{ date: '2026-04-29', name: 'Nghỉ thêm', nameEn: 'Extra day off' }],
      swap: [{ off: '2026-01-02', workOn: '2026-01-10' }],
      workingDays: [{ date: '2026-02-28' }],
    });
    expect(year.sources).toEqual(['Bộ luật Lao động 2019, Điều 112', 'test decision']);
    const off = new Map(year.daysOff.map((d) => [d.date, d]));
    expect(off.has('2026-04-27')).toBe(false);
    expect(off.get('2026-04-29')).toMatchObject({ kind: 'extra', name: 'Nghỉ thêm' });
    expect(off.get('2026-01-02')).toMatchObject({
      kind: 'swap',
      name: 'Nghỉ hoán đổi (làm bù ngày 10/01/2026)',
    });
    expect(year.workingDays).toEqual([
      {
        date: '2026-01-10',
        name: 'Làm bù cho ngày 02/01/2026',
        nameEn: 'Make-up working day for 2026-01-02',
      },
      { date: '2026-02-28', name: 'Làm bù', nameEn: 'Make-up working day' },
    ]);
  });

  it('reports every problem at its path and applies nothing', () => {
    let error: unknown;
    try {
      buildCalendarYear(2026, {
        remove: [{ date: '2026-03-03' }, { date: '2026-13-01' }],
        add: [
          { date: '2027-01-01', name: 'x', nameEn: 'x' },
          { date: '2026-01-01', name: 'x', nameEn: 'x' },
        ],
        swap: [{ off: '2026-01-03', workOn: '2026-01-05' }],
        workingDays: [{ date: '2026-01-06' }],
        nationalDayAdjacent: '2026-09-04',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdjustmentError);
    // nationalDayAdjacent is checked first and alone: it changes what the other entries apply to.
    expect((error as AdjustmentError).problems).toEqual([
      { path: ['nationalDayAdjacent'], message: 'expected 2026-09-01 or 2026-09-03, got "2026-09-04"' },
    ]);

    try {
      buildCalendarYear(2026, {
        remove: [{ date: '2026-03-03' }, { date: '2026-13-01' }],
        add: [
          { date: '2027-01-01', name: 'x', nameEn: 'x' },
          { date: '2026-01-01', name: 'x', nameEn: 'x' },
        ],
        swap: [{ off: '2026-01-03', workOn: '2026-01-05' }],
        workingDays: [{ date: '2026-01-06' }],
      });
    } catch (e) {
      error = e;
    }
    expect((error as AdjustmentError).problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['remove.0.date', '2026-03-03 is not a computed day off of 2026, so it cannot be removed'],
      ['remove.1.date', '"2026-13-01" is not a date; expected YYYY-MM-DD'],
      ['add.0.date', "2027-01-01 is not in 2026; a year's adjustments may only name days of that year"],
      ['add.1.date', '2026-01-01 is already a day off (Tết Dương lịch); remove it first to rename it'],
      ['swap.0.off', '2026-01-03 is a weekly rest day, not a working day to give off'],
      ['swap.0.workOn', '2026-01-05 is already a working day; expected a weekly rest day'],
      ['workingDays.0.date', '2026-01-06 is already a working day; expected a weekly rest day'],
    ]);
    expect((error as Error).message).toContain('swap[0].workOn: 2026-01-05 is already a working day');
  });

  it('rejects duplicates', () => {
    expect(() =>
      buildCalendarYear(2026, { remove: [{ date: '2026-04-27' }, { date: '2026-04-27' }] }),
    ).toThrow('remove[1].date: 2026-04-27 is listed twice');
    expect(() =>
      buildCalendarYear(2026, { workingDays: [{ date: '2026-02-28' }, { date: '2026-02-28' }] }),
    ).toThrow('workingDays[1].date: 2026-02-28 is listed twice as a working day');
  });
});
