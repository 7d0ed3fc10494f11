import fc from 'fast-check';
import { addDays } from '../../../src/calendar/dates';
import {
  LunarDateError,
  leapMonthOf,
  lunarMonthsOfYear,
  lunarNewYear,
  lunarToSolar,
  solarToLunar,
} from '../../../src/calendar/lunar';

/**
 * Tết (mùng 1 tháng Giêng) in Vietnam, from published calendars and the government's holiday
 * announcements (checked by hand; 2007 and 2030 are the years where China's date differs in this range).
 */
const KNOWN_TET: [number, string][] = [
  [2000, '2000-02-05'],
  [2001, '2001-01-24'],
  [2005, '2005-02-09'],
  [2007, '2007-02-17'],
  [2008, '2008-02-07'],
  [2010, '2010-02-14'],
  [2015, '2015-02-19'],
  [2018, '2018-02-16'],
  [2019, '2019-02-05'],
  [2020, '2020-01-25'],
  [2021, '2021-02-12'],
  [2022, '2022-02-01'],
  [2023, '2023-01-22'],
  [2024, '2024-02-10'],
  [2025, '2025-01-29'],
  [2026, '2026-02-17'],
  [2027, '2027-02-06'],
  [2028, '2028-01-26'],
  [2030, '2030-02-02'],
];

/**
 * Tết and the leap month of every lunar year 2000–2100, as computed by an independent implementation: the
 * MIT-licensed npm package date-chinese 2.1.4 (CalendarVietnamese, built on the VSOP87 and ELP series of the
 * `astronomia` package, not on Meeus's short series used here). Generated once, not a dependency.
 * "-" = no leap month. One deliberate difference: 2033, where date-chinese puts a leap 8th month and this
 * module a leap 11th month. 2033 has months with two major solar terms; the rule used here (month 11 holds
 * the December solstice, and a 13-month suì takes as leap the first month without a major term) is the one
 * the modern Chinese standard GB/T 33661-2017 and the Vietnamese calendar follow, and it gives 11.
 */
const INDEPENDENT_2000_2100 =
  '2000-02-05:- 2001-01-24:4 2002-02-12:- 2003-02-01:- 2004-01-22:2 2005-02-09:- 2006-01-29:7 ' +
  '2007-02-17:- 2008-02-07:- 2009-01-26:5 2010-02-14:- 2011-02-03:- 2012-01-23:4 2013-02-10:- ' +
  '2014-01-31:9 2015-02-19:- 2016-02-08:- 2017-01-28:6 2018-02-16:- 2019-02-05:- 2020-01-25:4 ' +
  '2021-02-12:- 2022-02-01:- 2023-01-22:2 2024-02-10:- 2025-01-29:6 2026-02-17:- 2027-02-06:- ' +
  '2028-01-26:5 2029-02-13:- 2030-02-02:- 2031-01-23:3 2032-02-11:- 2033-01-31:11 2034-02-19:- ' +
  '2035-02-08:- 2036-01-28:6 2037-02-15:- 2038-02-04:- 2039-01-24:5 2040-02-12:- 2041-02-01:- ' +
  '2042-01-22:2 2043-02-10:- 2044-01-30:7 2045-02-17:- 2046-02-06:- 2047-01-26:5 2048-02-14:- ' +
  '2049-02-02:- 2050-01-23:3 2051-02-11:- 2052-02-01:8 2053-02-18:- 2054-02-08:- 2055-01-28:6 ' +
  '2056-02-15:- 2057-02-04:- 2058-01-24:4 2059-02-12:- 2060-02-02:- 2061-01-21:3 2062-02-09:- ' +
  '2063-01-29:7 2064-02-17:- 2065-02-05:- 2066-01-26:5 2067-02-14:- 2068-02-03:- 2069-01-23:4 ' +
  '2070-02-11:- 2071-01-31:8 2072-02-19:- 2073-02-07:- 2074-01-27:6 2075-02-15:- 2076-02-05:- ' +
  '2077-01-24:4 2078-02-12:- 2079-02-02:- 2080-01-22:3 2081-02-09:- 2082-01-29:7 2083-02-17:- ' +
  '2084-02-06:- 2085-01-26:5 2086-02-14:- 2087-02-03:- 2088-01-24:4 2089-02-10:- 2090-01-30:8 ' +
  '2091-02-18:- 2092-02-07:- 2093-01-27:6 2094-02-15:- 2095-02-05:- 2096-01-25:4 2097-02-12:- ' +
  '2098-02-01:- 2099-01-21:2 2100-02-09:-';

describe('Vietnamese lunar calendar (UTC+7)', () => {
  it.each(KNOWN_TET)('Tết %i is %s', (year, date) => {
    expect(lunarNewYear(year)).toBe(date);
    expect(solarToLunar(date)).toEqual({ year, month: 1, day: 1, leap: false });
  });

  it('matches an independent implementation for Tết and the leap month of every year 2000–2100', () => {
    const entries = INDEPENDENT_2000_2100.split(' ');
    expect(entries).toHaveLength(101);
    const mismatches = entries.flatMap((entry, i) => {
      const [tet, leap] = entry.split(':') as [string, string];
      const year = 2000 + i;
      const got = `${lunarNewYear(year)}:${leapMonthOf(year) ?? '-'}`;
      return got === `${tet}:${leap}` ? [] : [`${year}: expected ${tet}:${leap}, got ${got}`];
    });
    expect(mismatches).toEqual([]);
  });

  it('differs from the Chinese (UTC+8) calendar where it should', () => {
    // 1985: Vietnam celebrated Tết a month before China (different month 11/12, leap month placement).
    expect(lunarNewYear(1985)).toBe('1985-01-21');
    expect(lunarNewYear(1985, { utcOffsetHours: 8 })).toBe('1985-02-20');
    // 1968: the North, newly on UTC+7, celebrated Tết Mậu Thân on 29 January; the South, on UTC+8, on the 30th.
    expect(lunarNewYear(1968)).toBe('1968-01-29');
    expect(lunarNewYear(1968, { utcOffsetHours: 8 })).toBe('1968-01-30');
    // 2007: the new moon of 17 February fell at 23:14 Vietnam time, 00:14 on the 18th in China.
    expect(lunarNewYear(2007)).toBe('2007-02-17');
    expect(lunarNewYear(2007, { utcOffsetHours: 8 })).toBe('2007-02-18');
    // 2030: the new moon of 2 February falls at about 23:07 Vietnam time.
    expect(lunarNewYear(2030)).toBe('2030-02-02');
    expect(lunarNewYear(2030, { utcOffsetHours: 8 })).toBe('2030-02-03');
  });

  it.each([
    [2018, '2018-04-25'],
    [2019, '2019-04-14'],
    [2021, '2021-04-21'],
    [2022, '2022-04-10'],
    [2023, '2023-04-29'],
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
  ])("Hùng Kings' day (10/3 lunar) %i is %s", (year, date) => {
    expect(lunarToSolar({ year, month: 3, day: 10 })).toBe(date);
  });

  it('places leap months (tháng nhuận): 2020 leap 4, 2023 leap 2, 2025 leap 6', () => {
    expect(leapMonthOf(2020)).toBe(4);
    expect(leapMonthOf(2023)).toBe(2);
    expect(leapMonthOf(2025)).toBe(6);
    expect(leapMonthOf(2024)).toBeNull();
    const months2025 = lunarMonthsOfYear(2025);
    expect(months2025).toHaveLength(13);
    expect(months2025.map((m) => `${m.month}${m.leap ? 'n' : ''}`)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '6n',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
    ]);
    // The leap 6th month of Ất Tỵ began on 25 July 2025; the 7th on 23 August 2025.
    expect(lunarToSolar({ year: 2025, month: 6, day: 1, leap: true })).toBe('2025-07-25');
    expect(lunarToSolar({ year: 2025, month: 7, day: 1 })).toBe('2025-08-23');
    expect(solarToLunar('2025-08-01')).toEqual({ year: 2025, month: 6, day: 8, leap: true });
    // Leap 2nd month of Quý Mão 2023: 22 March to 19 April 2023.
    expect(solarToLunar('2023-03-22')).toEqual({ year: 2023, month: 2, day: 1, leap: true });
    expect(lunarToSolar({ year: 2023, month: 3, day: 1 })).toBe('2023-04-20');
  });

  it('gives the last day of the lunar year (29 or 30 tháng Chạp) before each Tết', () => {
    expect(solarToLunar('2025-01-28')).toEqual({ year: 2024, month: 12, day: 29, leap: false });
    expect(solarToLunar('2024-02-09')).toEqual({ year: 2023, month: 12, day: 30, leap: false });
    expect(solarToLunar('2026-02-16')).toEqual({ year: 2025, month: 12, day: 29, leap: false });
  });

  it('has months of 29 or 30 days, 12 or 13 a year, covering the year without gaps', () => {
    for (let year = 2000; year <= 2100; year++) {
      const months = lunarMonthsOfYear(year);
      expect(months.length === 12 || months.length === 13).toBe(true);
      expect(months.length === 13).toBe(leapMonthOf(year) !== null);
      expect(months[0]!.start).toBe(lunarNewYear(year));
      for (let i = 1; i < months.length; i++) {
        expect(addDays(months[i - 1]!.start, months[i - 1]!.days)).toBe(months[i]!.start);
      }
      const last = months[months.length - 1]!;
      expect(addDays(last.start, last.days)).toBe(lunarNewYear(year + 1));
    }
  });

  it('converts solar → lunar → solar for any day 2000–2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 36890 }), (offset) => {
        const date = addDays('2000-01-01', offset);
        expect(lunarToSolar(solarToLunar(date))).toBe(date);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects lunar dates that do not exist', () => {
    expect(() => lunarToSolar({ year: 2024, month: 6, day: 1, leap: true })).toThrow(LunarDateError);
    expect(() => lunarToSolar({ year: 2024, month: 6, day: 1, leap: true })).toThrow('not a leap month');
    expect(() => lunarToSolar({ year: 2024, month: 13, day: 1 })).toThrow('months are 1–12');
    const short = lunarMonthsOfYear(2025).find((m) => m.days === 29)!;
    expect(() => lunarToSolar({ year: 2025, month: short.month, day: 30, leap: short.leap })).toThrow(
      'that month has 29 days',
    );
    expect(() => lunarNewYear(1900)).toThrow('outside the supported range 1968–2199');
    expect(() => solarToLunar('1968-01-28')).toThrow('Date 1968-01-28 is outside the lunar years 1968–2199');
    expect(solarToLunar('1968-01-29')).toEqual({ year: 1968, month: 1, day: 1, leap: false });
    expect(() => solarToLunar('2200-06-01')).toThrow('outside');
  });
});
