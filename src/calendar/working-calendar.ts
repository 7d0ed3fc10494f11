/**
 * Working-day arithmetic over a serializable calendar (CalendarData).
 *
 * Pure and deterministic (workflow-safe): a workflow receives CalendarData in its input, builds a
 * WorkingCalendar from it, and gets the same answers on every replay. Working days (ngày làm việc) are the
 * days that are not weekly rest days (Saturday and Sunday for state offices) and not days off, plus the
 * weekly rest days listed as extra working days (make-up Saturdays).
 *
 * A date outside the years the data covers throws CalendarRangeError: the calendar never guesses.
 */
import {
  civilFromDays,
  compareIsoDates,
  fromDayNumber,
  isIsoDate,
  isoWeekday,
  makeIsoDate,
  toDayNumber,
  yearOf,
  type IsoDate,
  type IsoWeekday,
} from './dates';
import type { CalendarYear, DayOff, ExtraWorkingDay } from './holidays';

export const CALENDAR_DATA_FORMAT = 'phoihop.calendar/1';

/** Everything a WorkingCalendar needs, as plain JSON: pass it in a workflow input, store it, diff it. */
export interface CalendarData {
  format: typeof CALENDAR_DATA_FORMAT;
  /** The time zone the dates are local to (informational: dates carry no time). */
  timeZone: 'Asia/Ho_Chi_Minh';
  /** ISO weekdays that are weekly rest days: [6, 7] (Saturday, Sunday) for state offices. */
  weeklyRestDays: IsoWeekday[];
  /** Covered years, ascending, each once. */
  years: CalendarYear[];
}

/** A date outside the years the calendar covers. */
export class CalendarRangeError extends RangeError {
  constructor(
    readonly date: IsoDate,
    readonly coveredYears: readonly number[],
  ) {
    super(
      `Date ${date} is outside the working calendar, which covers ${describeYears(coveredYears)}. ` +
        `Build the calendar data with year ${yearOf(date)} included.`,
    );
    this.name = 'CalendarRangeError';
  }
}

/** CalendarData that is not well formed; `path` says where, e.g. "years[1].daysOff[3].date". */
export class CalendarDataError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Invalid calendar data at ${path}: ${problem}`);
    this.name = 'CalendarDataError';
  }
}

/** "2024–2026", "2024, 2026–2030", or "no year". */
export function describeYears(years: readonly number[]): string {
  if (years.length === 0) return 'no year';
  const ranges: string[] = [];
  let start = years[0]!;
  let prev = start;
  for (const y of [...years.slice(1), Number.NaN]) {
    if (y === prev + 1) {
      prev = y;
      continue;
    }
    ranges.push(start === prev ? String(start) : `${start}–${prev}`);
    start = y;
    prev = y;
  }
  return ranges.join(', ');
}

interface YearIndex {
  data: CalendarYear;
  firstDay: number; // day number of 1 January
  working: Uint8Array; // 1 = working day, by day of year (0-based)
  cumulative: Int32Array; // working days from 1 January through that day
}

export class WorkingCalendar {
  /** Years covered, ascending. */
  readonly coveredYears: readonly number[];
  private readonly years = new Map<number, YearIndex>();
  private readonly daysOff = new Map<IsoDate, DayOff>();
  private readonly extraWorkingDays = new Map<IsoDate, ExtraWorkingDay>();
  private readonly data: CalendarData;

  /** Builds a calendar from CalendarData, checking it first (it may have come through JSON). */
  constructor(data: CalendarData) {
    validateCalendarData(data);
    this.data = copyData(data);
    this.coveredYears = Object.freeze(data.years.map((y) => y.year));
    for (const year of this.data.years) {
      for (const d of year.daysOff) this.daysOff.set(d.date, d);
      for (const w of year.workingDays) this.extraWorkingDays.set(w.date, w);
    }
    for (const year of this.data.years) {
      const firstDay = toDayNumber(makeIsoDate(year.year, 1, 1));
      const length = toDayNumber(makeIsoDate(year.year + 1, 1, 1)) - firstDay;
      const working = new Uint8Array(length);
      const cumulative = new Int32Array(length);
      let count = 0;
      for (let i = 0; i < length; i++) {
        const date = fromDayNumber(firstDay + i);
        const rest = this.data.weeklyRestDays.includes(isoWeekday(date));
        const isWorking = this.extraWorkingDays.has(date) || (!rest && !this.daysOff.has(date));
        working[i] = isWorking ? 1 : 0;
        if (isWorking) count++;
        cumulative[i] = count;
      }
      this.years.set(year.year, { data: year, firstDay, working, cumulative });
    }
  }

  /** Parses CalendarData from JSON text and builds the calendar. */
  static fromJSON(json: string): WorkingCalendar {
    return new WorkingCalendar(JSON.parse(json) as CalendarData);
  }

  /** A deep copy of the data this calendar was built from (JSON-safe). */
  toData(): CalendarData {
    return copyData(this.data);
  }

  /** First and last covered dates. */
  get range(): { first: IsoDate; last: IsoDate } {
    const years = this.coveredYears;
    return { first: makeIsoDate(years[0]!, 1, 1), last: makeIsoDate(years[years.length - 1]!, 12, 31) };
  }

  /** True when the calendar covers the date's year. */
  covers(date: IsoDate): boolean {
    return this.years.has(yearOf(date));
  }

  private locate(date: IsoDate): { index: YearIndex; day: number } {
    const index = this.years.get(yearOf(date));
    if (!index) throw new CalendarRangeError(date, this.coveredYears);
    return { index, day: toDayNumber(date) - index.firstDay };
  }

  /** Whether day number n is a working day; throws CalendarRangeError outside the covered years. */
  private workingAt(n: number): boolean {
    const index = this.years.get(civilFromDays(n).year);
    if (!index) throw new CalendarRangeError(fromDayNumber(n), this.coveredYears);
    return index.working[n - index.firstDay] === 1;
  }

  isWorkingDay(date: IsoDate): boolean {
    const { index, day } = this.locate(date);
    return index.working[day] === 1;
  }

  /** The holiday or other day off on this date, if any (weekly rest days are not listed). */
  dayOff(date: IsoDate): DayOff | undefined {
    this.locate(date);
    const d = this.daysOff.get(date);
    return d ? { ...d } : undefined;
  }

  /** The extra working day (make-up day) on this date, if any. */
  extraWorkingDay(date: IsoDate): ExtraWorkingDay | undefined {
    this.locate(date);
    const w = this.extraWorkingDays.get(date);
    return w ? { ...w } : undefined;
  }

  /** `date` if it is a working day, else the first working day after it (a due date that moves). */
  nextWorkingDayOnOrAfter(date: IsoDate): IsoDate {
    let n = toDayNumber(date);
    while (!this.workingAt(n)) n++;
    return fromDayNumber(n);
  }

  /** `date` if it is a working day, else the last working day before it. */
  previousWorkingDayOnOrBefore(date: IsoDate): IsoDate {
    let n = toDayNumber(date);
    while (!this.workingAt(n)) n--;
    return fromDayNumber(n);
  }

  /**
   * The n-th working day after `date` (n > 0) or before it (n < 0); `date` itself is not counted, and need
   * not be a working day. n = 0 returns `date` unchanged (use nextWorkingDayOnOrAfter to roll it forward).
   * For n ≠ 0 the result is always a working day. Cost: one step per calendar day crossed.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isSafeInteger(n)) throw new RangeError(`addWorkingDays: n must be an integer, got ${n}`);
    this.locate(date);
    const step = n > 0 ? 1 : -1;
    let day = toDayNumber(date);
    for (let left = Math.abs(n); left > 0;) {
      day += step;
      if (this.workingAt(day)) left--;
    }
    return fromDayNumber(day);
  }

  /**
   * Signed count of working days from `a` to `b`: the working days in (a, b] when b ≥ a, and minus the
   * working days in (b, a] when b < a. So a report due on `a` and received on `b` is late by
   * workingDaysBetween(a, b) working days when that is positive, and for a working day a,
   * workingDaysBetween(a, addWorkingDays(a, n)) === n. Every year from a to b must be covered.
   */
  workingDaysBetween(a: IsoDate, b: IsoDate): number {
    const order = compareIsoDates(a, b);
    if (order === 0) {
      this.locate(a);
      return 0;
    }
    if (order > 0) {
      const forward = this.workingDaysBetween(b, a);
      return forward === 0 ? 0 : -forward; // never -0
    }
    const from = this.locate(a);
    const to = this.locate(b);
    let total = 0;
    for (let y = yearOf(a); y < yearOf(b); y++) {
      const index = this.years.get(y);
      if (!index) throw new CalendarRangeError(makeIsoDate(y, 1, 1), this.coveredYears);
      total += index.cumulative[index.cumulative.length - 1]!;
    }
    if (!this.years.has(yearOf(b))) throw new CalendarRangeError(b, this.coveredYears);
    return total + to.index.cumulative[to.day]! - from.index.cumulative[from.day]!;
  }

  /** The year's days off (holidays, compensatory, swapped and extra days), in date order. */
  holidaysIn(year: number): DayOff[] {
    const index = this.years.get(year);
    if (!index) throw new CalendarRangeError(makeIsoDate(year, 1, 1), this.coveredYears);
    return index.data.daysOff.map((d) => ({ ...d }));
  }

  /** The year's extra working days (make-up days), in date order. */
  extraWorkingDaysIn(year: number): ExtraWorkingDay[] {
    const index = this.years.get(year);
    if (!index) throw new CalendarRangeError(makeIsoDate(year, 1, 1), this.coveredYears);
    return index.data.workingDays.map((d) => ({ ...d }));
  }

  /** Where the year's days come from (the law, and the decisions its year file follows). */
  sourcesOf(year: number): string[] {
    const index = this.years.get(year);
    if (!index) throw new CalendarRangeError(makeIsoDate(year, 1, 1), this.coveredYears);
    return [...index.data.sources];
  }
}

function copyData(data: CalendarData): CalendarData {
  return JSON.parse(JSON.stringify(data)) as CalendarData;
}

const DAY_OFF_KINDS = ['holiday', 'compensatory', 'swap', 'extra'];

/** Checks CalendarData's shape and consistency; throws CalendarDataError naming the first bad path. */
export function validateCalendarData(data: unknown): asserts data is CalendarData {
  const fail = (path: string, problem: string): never => {
    throw new CalendarDataError(path, problem);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data)) fail('(top)', 'expected an object');
  const d = data as Record<string, unknown>;
  if (d.format !== CALENDAR_DATA_FORMAT) fail('format', `expected "${CALENDAR_DATA_FORMAT}"`);
  if (d.timeZone !== 'Asia/Ho_Chi_Minh') fail('timeZone', 'expected "Asia/Ho_Chi_Minh"');
  const rest = d.weeklyRestDays;
  if (
    !Array.isArray(rest) ||
    rest.some((w) => !Number.isInteger(w) || (w as number) < 1 || (w as number) > 7) ||
    new Set(rest).size !== rest.length ||
    rest.length > 6
  ) {
    fail('weeklyRestDays', 'expected distinct ISO weekdays 1 (Monday) to 7 (Sunday), at most six');
  }
  const restDays = rest as number[];
  if (!Array.isArray(d.years) || d.years.length === 0) fail('years', 'expected a non-empty array');
  let previousYear = -Infinity;
  (d.years as unknown[]).forEach((y, i) => {
    const at = `years[${i}]`;
    if (!isObject(y)) return fail(at, 'expected an object');
    if (!Number.isInteger(y.year)) fail(`${at}.year`, 'expected an integer year');
    const year = y.year as number;
    if (year <= previousYear)
      fail(`${at}.year`, `${year} is not after ${previousYear}: years must ascend, once each`);
    previousYear = year;
    if (!Array.isArray(y.sources) || y.sources.some((s) => typeof s !== 'string')) {
      fail(`${at}.sources`, 'expected an array of strings');
    }
    const seen = new Set<string>();
    const checkDate = (value: unknown, path: string): IsoDate => {
      if (!isIsoDate(value)) return fail(path, `${JSON.stringify(value)} is not a date YYYY-MM-DD`);
      if (yearOf(value) !== year) fail(path, `${value} is not in ${year}`);
      if (seen.has(value)) fail(path, `${value} appears twice in ${year}`);
      seen.add(value);
      return value;
    };
    const checkNames = (entry: Record<string, unknown>, path: string): void => {
      if (typeof entry.name !== 'string' || entry.name === '')
        fail(`${path}.name`, 'expected a non-empty string');
      if (typeof entry.nameEn !== 'string' || entry.nameEn === '')
        fail(`${path}.nameEn`, 'expected a non-empty string');
    };
    if (!Array.isArray(y.daysOff)) fail(`${at}.daysOff`, 'expected an array');
    let previous = '';
    (y.daysOff as unknown[]).forEach((e, j) => {
      const path = `${at}.daysOff[${j}]`;
      if (!isObject(e)) return fail(path, 'expected an object');
      const date = checkDate(e.date, `${path}.date`);
      if (previous && compareIsoDates(previous, date) >= 0)
        fail(`${path}.date`, 'days off must be in date order');
      previous = date;
      checkNames(e, path);
      if (!DAY_OFF_KINDS.includes(e.kind as string))
        fail(`${path}.kind`, `expected one of ${DAY_OFF_KINDS.join(', ')}`);
    });
    if (!Array.isArray(y.workingDays)) fail(`${at}.workingDays`, 'expected an array');
    previous = '';
    (y.workingDays as unknown[]).forEach((e, j) => {
      const path = `${at}.workingDays[${j}]`;
      if (!isObject(e)) return fail(path, 'expected an object');
      const date = checkDate(e.date, `${path}.date`);
      if (previous && compareIsoDates(previous, date) >= 0)
        fail(`${path}.date`, 'working days must be in date order');
      previous = date;
      checkNames(e, path);
      if (!restDays.includes(isoWeekday(date))) fail(`${path}.date`, `${date} is not a weekly rest day`);
    });
  });
}
