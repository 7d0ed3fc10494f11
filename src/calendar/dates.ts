/**
 * Civil (proleptic Gregorian) dates as ISO strings, with integer arithmetic only.
 *
 * Pure and deterministic: no `Date`, no `Intl`, no time zones, no Node built-ins, so workflow code can import
 * it. A date here is a calendar day in Vietnam (Asia/Ho_Chi_Minh); it carries no time and no zone, so it is
 * the same day on every machine. Days are converted to a serial "day number" (days since 1970-01-01) with
 * the days-from-civil algorithm: shift the year to start in March so the leap day is the last day of the
 * year, count whole 400-year eras (146097 days each), then years, then months (153 days per 5 months).
 */

/** A local calendar date, 'YYYY-MM-DD' (Asia/Ho_Chi_Minh). */
export type IsoDate = string;

/** ISO weekday: 1 = Monday … 6 = Saturday, 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Supported years. Wide enough for any plan; narrow enough that every date has four digits. */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Thrown for a string that is not a real calendar date 'YYYY-MM-DD'. */
export class InvalidDateError extends Error {
  constructor(
    readonly value: unknown,
    reason: string,
  ) {
    super(`Invalid date ${JSON.stringify(value)}: ${reason}. Expected a calendar date written YYYY-MM-DD.`);
    this.name = 'InvalidDateError';
  }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The parts of a valid date, or a reason why it is not one. */
function check(value: unknown): { year: number; month: number; day: number } | string {
  if (typeof value !== 'string') return `not a string but ${value === null ? 'null' : typeof value}`;
  const m = ISO_DATE.exec(value);
  if (!m) return 'not in the form YYYY-MM-DD';
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR) return `year ${year} is before ${MIN_YEAR}`;
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  if (day < 1 || day > daysInMonth(year, month))
    return `${year}-${m[2]} has ${daysInMonth(year, month)} days`;
  return { year, month, day };
}

/** True when `value` is a string naming a real calendar date 'YYYY-MM-DD'. */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof check(value) !== 'string';
}

/** Returns `value` as an IsoDate, or throws InvalidDateError saying what is wrong with it. */
export function parseIsoDate(value: unknown): IsoDate {
  const parts = check(value);
  if (typeof parts === 'string') throw new InvalidDateError(value, parts);
  return value as IsoDate;
}

/** The year, month (1–12) and day of a valid IsoDate. */
export function dateParts(date: IsoDate): { year: number; month: number; day: number } {
  const parts = check(date);
  if (typeof parts === 'string') throw new InvalidDateError(date, parts);
  return parts;
}

export function yearOf(date: IsoDate): number {
  return dateParts(date).year;
}

/** Builds an IsoDate from its parts; throws if they do not name a real date. */
export function makeIsoDate(year: number, month: number, day: number): IsoDate {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new InvalidDateError(`${year}-${month}-${day}`, 'parts must be integers');
  }
  return parseIsoDate(`${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Days since 1970-01-01 (which is day 0) of a civil date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year; // the computing year starts on 1 March
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400; // 0..399
  const monthFromMarch = (month + 9) % 12; // March = 0 … February = 11
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1; // 0..365
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468; // 719468 = days from 0000-03-01 to 1970-01-01
}

/** The civil date of a day number (inverse of daysFromCivil). */
export function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097; // 0..146096
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Day number (days since 1970-01-01) of an IsoDate. */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = dateParts(date);
  return daysFromCivil(year, month, day);
}

/** IsoDate of a day number (days since 1970-01-01). */
export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isSafeInteger(dayNumber)) throw new RangeError(`Day number ${dayNumber} is not an integer`);
  const { year, month, day } = civilFromDays(dayNumber);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`Day number ${dayNumber} is outside the years ${MIN_YEAR}–${MAX_YEAR}`);
  }
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** Julian Day Number (the astronomers' count; its day begins at noon UT) of the civil day. */
export function toJulianDayNumber(date: IsoDate): number {
  return toDayNumber(date) + 2440588;
}

export function fromJulianDayNumber(jdn: number): IsoDate {
  return fromDayNumber(jdn - 2440588);
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`Cannot add ${days} days: not an integer`);
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): IsoWeekday {
  // 1970-01-01 was a Thursday (4).
  return (((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/** -1, 0 or 1, so that `dates.sort(compareIsoDates)` sorts chronologically. */
export function compareIsoDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const d = toDayNumber(a) - toDayNumber(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

export function minIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareIsoDates(a, b) <= 0 ? a : b;
}

export function maxIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareIsoDates(a, b) >= 0 ? a : b;
}

const WEEKDAY_NAMES_VI = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];
const WEEKDAY_NAMES_EN = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "Thứ Hai" … "Chủ nhật" (or English with lang 'en'). */
export function weekdayName(date: IsoDate, lang: 'vi' | 'en' = 'vi'): string {
  return (lang === 'vi' ? WEEKDAY_NAMES_VI : WEEKDAY_NAMES_EN)[isoWeekday(date)]!;
}
