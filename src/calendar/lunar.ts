/**
 * The Vietnamese lunisolar calendar (âm lịch), computed for UTC+7.
 *
 * Implemented here from the astronomical rules and the published formulas of Jean Meeus, "Astronomical
 * Algorithms" (2nd ed., 1998): mean and true new moons (ch. 49), the Sun's apparent longitude (ch. 25, the
 * low-accuracy series, good to about 0.01°), and ΔT = TT − UT from the Espenak–Meeus polynomials (NASA,
 * "Five Millennium Canon"). Pure and deterministic: plain arithmetic on numbers, no Date, no Intl, no I/O,
 * so workflow code may import it. Results are memoised per solar year (a pure cache; same answers).
 *
 * The calendar rules (the same for the Vietnamese and Chinese calendars; only the meridian differs):
 * 1. A month begins on the local civil day (UTC+7 for Vietnam) that contains the instant of a new moon.
 * 2. The eleventh month is the month that contains the December solstice (the major solar term "Đông chí",
 *    Sun at 270°).
 * 3. Count the months from one eleventh month to the next. If there are 12, months are numbered 11, 12, 1,
 *    …, 10. If there are 13, the first month after the eleventh that contains no major solar term (trung
 *    khí: the Sun at a multiple of 30°) is the leap month (tháng nhuận) and takes the number of the month
 *    before it.
 * 4. Lunar year Y starts with month 1 (Tết Nguyên Đán), which always falls between 21 January and 20 February
 *    of Gregorian year Y.
 * A solar term belongs to the local civil day on which it happens, so "month m contains term t" means
 * start(m) ≤ day(t) < start(m + 1).
 *
 * With utcOffsetHours = 8 the same code gives the Chinese calendar; it is there only so that tests can show
 * the famous differences (1985, 2007), not to use.
 */
import { daysFromCivil, fromDayNumber, toDayNumber, type IsoDate } from './dates';

/** Vietnam's civil time: UTC+7, the meridian of the Vietnamese lunar calendar since 1968. */
export const VIETNAM_UTC_OFFSET_HOURS = 7;

/**
 * Lunar years this module computes. Vietnam has reckoned its lunar calendar at UTC+7 since 1968 (before that,
 * UTC+8 like China); the ΔT model and the astronomical series are good well beyond 2100.
 */
export const LUNAR_MIN_YEAR = 1968;
export const LUNAR_MAX_YEAR = 2199;

export interface LunarOptions {
  /** Hours east of UTC of the meridian the calendar is reckoned at. 7 for Vietnam (the default). */
  utcOffsetHours?: number;
}

/** A day of the lunar calendar. `leap` marks a day of a leap month (tháng nhuận). */
export interface LunarDate {
  year: number;
  month: number;
  day: number;
  leap: boolean;
}

/** A month of a lunar year: its number, whether it is the leap month, its first day and its length. */
export interface LunarMonth {
  year: number;
  month: number;
  leap: boolean;
  start: IsoDate;
  days: 29 | 30;
}

/** Thrown for a lunar date that does not exist, or a year outside LUNAR_MIN_YEAR–LUNAR_MAX_YEAR. */
export class LunarDateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LunarDateError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Astronomy (times are Julian Days; "JDE" is in Terrestrial Time, "JD" in Universal Time).

const DEG = Math.PI / 180;
const SYNODIC_MONTH = 29.530588861;
/** JDE of the mean new moon k = 0 (6 January 2000). */
const NEW_MOON_EPOCH = 2451550.09766;
const TROPICAL_YEAR = 365.2422;

function sinDeg(x: number): number {
  return Math.sin(x * DEG);
}

/** ΔT = TT − UT in seconds, Espenak–Meeus polynomials, for a decimal year in 1900–2200. */
export function deltaTSeconds(year: number): number {
  if (year < 1920) {
    const t = year - 1900;
    return -2.79 + 1.494119 * t - 0.0598939 * t ** 2 + 0.0061966 * t ** 3 - 0.000197 * t ** 4;
  }
  if (year < 1941) {
    const t = year - 1920;
    return 21.2 + 0.84493 * t - 0.0761 * t ** 2 + 0.0020936 * t ** 3;
  }
  if (year < 1961) {
    const t = year - 1950;
    return 29.07 + 0.407 * t - t ** 2 / 233 + t ** 3 / 2547;
  }
  if (year < 1986) {
    const t = year - 1975;
    return 45.45 + 1.067 * t - t ** 2 / 260 - t ** 3 / 718;
  }
  if (year < 2005) {
    const t = year - 2000;
    return (
      63.86 +
      0.3345 * t -
      0.060374 * t ** 2 +
      0.0017275 * t ** 3 +
      0.000651814 * t ** 4 +
      0.00002373599 * t ** 5
    );
  }
  if (year < 2050) {
    const t = year - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t ** 2;
  }
  const u = (year - 1820) / 100;
  if (year < 2150) return -20 + 32 * u ** 2 - 0.5628 * (2150 - year);
  return -20 + 32 * u ** 2;
}

/** The decimal year of a Julian Day (accurate to a day or so: enough for ΔT). */
function decimalYear(jd: number): number {
  return 2000 + (jd - 2451545.0) / 365.25;
}

/** JDE (TT) of the true new moon number k (k = 0 near 2000-01-06; one per synodic month). Meeus ch. 49. */
export function newMoonJde(k: number): number {
  const T = k / 1236.85; // Julian centuries from J2000.0
  const jde =
    NEW_MOON_EPOCH + SYNODIC_MONTH * k + 0.00015437 * T ** 2 - 0.00000015 * T ** 3 + 0.00000000073 * T ** 4;
  const E = 1 - 0.002516 * T - 0.0000074 * T ** 2; // eccentricity of the Earth's orbit
  const M = 2.5534 + 29.1053567 * k - 0.0000014 * T ** 2 - 0.00000011 * T ** 3; // Sun's mean anomaly
  const Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T ** 2 + 0.00001238 * T ** 3 - 0.000000058 * T ** 4;
  const F = 160.7108 + 390.67050284 * k - 0.0016118 * T ** 2 - 0.00000227 * T ** 3 + 0.000000011 * T ** 4;
  const Om = 124.7746 - 1.56375588 * k + 0.0020672 * T ** 2 + 0.00000215 * T ** 3;

  // Periodic terms for the new moon: [coefficient, power of E, multiples of M, M', F, Ω].
  const terms: readonly (readonly [number, number, number, number, number, number])[] = [
    [-0.4072, 0, 0, 1, 0, 0],
    [0.17241, 1, 1, 0, 0, 0],
    [0.01608, 0, 0, 2, 0, 0],
    [0.01039, 0, 0, 0, 2, 0],
    [0.00739, 1, -1, 1, 0, 0],
    [-0.00514, 1, 1, 1, 0, 0],
    [0.00208, 2, 2, 0, 0, 0],
    [-0.00111, 0, 0, 1, -2, 0],
    [-0.00057, 0, 0, 1, 2, 0],
    [0.00056, 1, 1, 2, 0, 0],
    [-0.00042, 0, 0, 3, 0, 0],
    [0.00042, 1, 1, 0, 2, 0],
    [0.00038, 1, 1, 0, -2, 0],
    [-0.00024, 1, -1, 2, 0, 0],
    [-0.00017, 0, 0, 0, 0, 1],
    [-0.00007, 0, 2, 1, 0, 0],
    [0.00004, 0, 0, 2, -2, 0],
    [0.00004, 0, 3, 0, 0, 0],
    [0.00003, 0, 1, 1, -2, 0],
    [0.00003, 0, 0, 2, 2, 0],
    [-0.00003, 0, 1, 1, 2, 0],
    [0.00003, 0, -1, 1, 2, 0],
    [-0.00002, 0, -1, 1, -2, 0],
    [-0.00002, 0, 1, 3, 0, 0],
    [0.00002, 0, 0, 4, 0, 0],
  ];
  let correction = 0;
  for (const [c, e, m, mp, f, om] of terms) {
    correction += c * E ** e * sinDeg(m * M + mp * Mp + f * F + om * Om);
  }

  // Additional corrections from the planetary arguments A1…A14: [coefficient, A at k=0, rate per k].
  const planetary: readonly (readonly [number, number, number])[] = [
    [0.000325, 299.77, 0.107408],
    [0.000165, 251.88, 0.016321],
    [0.000164, 251.83, 26.651886],
    [0.000126, 349.42, 36.412478],
    [0.00011, 84.66, 18.206239],
    [0.000062, 141.74, 53.303771],
    [0.00006, 207.14, 2.453732],
    [0.000056, 154.84, 7.30686],
    [0.000047, 34.52, 27.261239],
    [0.000042, 207.19, 0.121824],
    [0.00004, 291.34, 1.844379],
    [0.000037, 161.72, 24.198154],
    [0.000035, 239.56, 25.513099],
    [0.000023, 331.55, 3.592518],
  ];
  let additional = 0;
  planetary.forEach(([c, a0, rate], i) => {
    const A = a0 + rate * k - (i === 0 ? 0.009173 * T ** 2 : 0);
    additional += c * sinDeg(A);
  });

  return jde + correction + additional;
}

/** Converts a JDE (TT) to a JD (UT). */
function toUniversalTime(jde: number): number {
  return jde - deltaTSeconds(decimalYear(jde)) / 86400;
}

/** The Sun's apparent geocentric longitude in degrees [0, 360) at a JDE (TT). Meeus ch. 25, low accuracy. */
export function sunApparentLongitude(jde: number): number {
  const T = (jde - 2451545.0) / 36525;
  const L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T ** 2; // mean longitude
  const M = 357.52911 + 35999.05029 * T - 0.0001537 * T ** 2; // mean anomaly
  const C =
    (1.914602 - 0.004817 * T - 0.000014 * T ** 2) * sinDeg(M) +
    (0.019993 - 0.000101 * T) * sinDeg(2 * M) +
    0.000289 * sinDeg(3 * M); // equation of the centre
  const omega = 125.04 - 1934.136 * T;
  const apparent = L0 + C - 0.00569 - 0.00478 * sinDeg(omega); // aberration and nutation
  return ((apparent % 360) + 360) % 360;
}

/** Day number (days since 1970-01-01) of the local civil day containing the UT instant `jd`. */
function localDayNumber(jd: number, utcOffsetHours: number): number {
  return Math.floor(jd + 0.5 + utcOffsetHours / 24) - 2440588;
}

/** Day number of the local day on which new moon k happens. */
function newMoonDay(k: number, utcOffsetHours: number): number {
  return localDayNumber(toUniversalTime(newMoonJde(k)), utcOffsetHours);
}

/**
 * Day number of the local day on which the Sun reaches `longitude` (a multiple of 30°: a major solar term)
 * during Gregorian year `year`.
 */
function solarTermDay(year: number, longitude: number, utcOffsetHours: number): number {
  // The Sun is near 280° on 1 January; start from the mean position and refine (Newton on the mean rate).
  const jan1 = daysFromCivil(year, 1, 1) + 2440587.5;
  let jde = jan1 + ((((longitude - 280) % 360) + 360) % 360) * (TROPICAL_YEAR / 360);
  for (let i = 0; i < 20; i++) {
    const diff = ((((longitude - sunApparentLongitude(jde)) % 360) + 540) % 360) - 180; // in (−180, 180]
    const step = diff * (TROPICAL_YEAR / 360);
    jde += step;
    if (Math.abs(step) < 1e-7) break;
  }
  return localDayNumber(toUniversalTime(jde), utcOffsetHours);
}

// ---------------------------------------------------------------------------------------------------------
// Calendar rules.

/** One month of a "suì": the months from the eleventh month of one year up to the next eleventh month. */
interface SuiMonth {
  k: number;
  start: number; // day number
  end: number; // day number of the next month's first day
  month: number;
  leap: boolean;
}

/** Index k of the month containing the December solstice of Gregorian year `year` (the eleventh month). */
function eleventhMonthK(year: number, utcOffsetHours: number): number {
  const solstice = solarTermDay(year, 270, utcOffsetHours);
  let k = Math.round((solstice + 2440587.5 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  while (newMoonDay(k, utcOffsetHours) > solstice) k--;
  while (newMoonDay(k + 1, utcOffsetHours) <= solstice) k++;
  return k;
}

const suiCache = new Map<string, readonly SuiMonth[]>();

/**
 * The months from the eleventh month containing the solstice of December `year − 1` up to (not including)
 * the one containing the solstice of December `year`, numbered, with the leap month if there is one.
 */
function sui(year: number, utcOffsetHours: number): readonly SuiMonth[] {
  const key = `${year}@${utcOffsetHours}`;
  const cached = suiCache.get(key);
  if (cached) return cached;

  const k0 = eleventhMonthK(year - 1, utcOffsetHours);
  const k1 = eleventhMonthK(year, utcOffsetHours);
  const starts: number[] = [];
  for (let k = k0; k <= k1; k++) starts.push(newMoonDay(k, utcOffsetHours));

  let leapIndex = -1;
  if (k1 - k0 === 13) {
    // The 13 major terms from the solstice of year − 1 to that of year: 270° then 300°, 330°, 0°, …, 270°.
    const termDays = [solarTermDay(year - 1, 270, utcOffsetHours)];
    for (let i = 1; i <= 12; i++) termDays.push(solarTermDay(year, (270 + 30 * i) % 360, utcOffsetHours));
    for (let i = 1; i < 13 && leapIndex < 0; i++) {
      const start = starts[i]!;
      const end = starts[i + 1]!;
      if (!termDays.some((d) => d >= start && d < end)) leapIndex = i;
    }
    if (leapIndex < 0) throw new Error(`Lunar calendar: no month without a major term in ${year}`);
  } else if (k1 - k0 !== 12) {
    throw new Error(`Lunar calendar: ${k1 - k0} months between the solstices of ${year - 1} and ${year}`);
  }

  const months: SuiMonth[] = [];
  let month = 11;
  for (let i = 0; i < k1 - k0; i++) {
    const leap = i === leapIndex;
    if (i > 0 && !leap) month = (month % 12) + 1;
    months.push({ k: k0 + i, start: starts[i]!, end: starts[i + 1]!, month, leap });
  }
  suiCache.set(key, months);
  return months;
}

function offsetOf(options?: LunarOptions): number {
  const offset = options?.utcOffsetHours ?? VIETNAM_UTC_OFFSET_HOURS;
  if (!Number.isFinite(offset) || offset < -12 || offset > 14) {
    throw new LunarDateError(`utcOffsetHours must be between -12 and 14, got ${offset}`);
  }
  return offset;
}

function checkLunarYear(year: number): void {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new LunarDateError(
      `Lunar year ${year} is outside the supported range ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}`,
    );
  }
}

/** The months of lunar year `year`, from month 1 (Tết) to month 12, with the leap month in its place. */
export function lunarMonthsOfYear(year: number, options?: LunarOptions): LunarMonth[] {
  checkLunarYear(year);
  const offset = offsetOf(options);
  // Months 1–10 (and a leap month among them) are in this year's suì; 11, 12 (and a leap 11 or 12) in the next.
  const current = sui(year, offset);
  const next = sui(year + 1, offset);
  const firstIndex = current.findIndex((m) => m.month === 1 && !m.leap);
  const nextFirstIndex = next.findIndex((m) => m.month === 1 && !m.leap);
  const raw = [...current.slice(firstIndex), ...next.slice(0, nextFirstIndex)];
  return raw.map((m) => ({
    year,
    month: m.month,
    leap: m.leap,
    start: fromDayNumber(m.start),
    days: (m.end - m.start) as 29 | 30,
  }));
}

/** The leap month (1–12) of lunar year `year`, or null in a common year. */
export function leapMonthOf(year: number, options?: LunarOptions): number | null {
  return lunarMonthsOfYear(year, options).find((m) => m.leap)?.month ?? null;
}

/** First day of lunar year `year`: Tết Nguyên Đán, mùng 1 tháng Giêng. */
export function lunarNewYear(year: number, options?: LunarOptions): IsoDate {
  checkLunarYear(year);
  const offset = offsetOf(options);
  const first = sui(year, offset).find((m) => m.month === 1 && !m.leap)!;
  return fromDayNumber(first.start);
}

/** The solar (Gregorian) date of a lunar date; throws LunarDateError when that lunar date does not exist. */
export function lunarToSolar(
  date: { year: number; month: number; day: number; leap?: boolean },
  options?: LunarOptions,
): IsoDate {
  const leap = date.leap ?? false;
  const label = `${date.day}/${date.month}${leap ? ' (nhuận)' : ''} of lunar year ${date.year}`;
  const months = lunarMonthsOfYear(date.year, options);
  const month = months.find((m) => m.month === date.month && m.leap === leap);
  if (!month) {
    throw new LunarDateError(
      leap
        ? `Lunar date ${label} does not exist: month ${date.month} is not a leap month that year`
        : `Lunar date ${label} does not exist: months are 1–12`,
    );
  }
  if (!Number.isInteger(date.day) || date.day < 1 || date.day > month.days) {
    throw new LunarDateError(`Lunar date ${label} does not exist: that month has ${month.days} days`);
  }
  return fromDayNumber(toDayNumber(month.start) + date.day - 1);
}

/** The lunar date of a solar (Gregorian) date. */
export function solarToLunar(date: IsoDate, options?: LunarOptions): LunarDate {
  const offset = offsetOf(options);
  const dayNumber = toDayNumber(date);
  const gregorianYear = Number(date.slice(0, 4));
  const outside = new LunarDateError(
    `Date ${date} is outside the lunar years ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR} this module computes`,
  );
  if (gregorianYear < LUNAR_MIN_YEAR || gregorianYear > LUNAR_MAX_YEAR + 1) throw outside;
  // The date is either in the suì ending with this December's eleventh month, or in the next one.
  for (const suiYear of [gregorianYear, gregorianYear + 1]) {
    const months = sui(suiYear, offset);
    const firstIndex = months.findIndex((m) => m.month === 1 && !m.leap);
    const i = months.findIndex((m) => dayNumber >= m.start && dayNumber < m.end);
    if (i < 0) continue;
    const m = months[i]!;
    const year = i < firstIndex ? suiYear - 1 : suiYear;
    if (year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) throw outside;
    return { year, month: m.month, day: dayNumber - m.start + 1, leap: m.leap };
  }
  throw outside;
}
