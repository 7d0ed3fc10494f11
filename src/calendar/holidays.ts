/**
 * Vietnam's public holidays (ngày nghỉ lễ, tết) for one year: the days the law fixes, the compensatory days
 * it grants when one of them falls on a weekly rest day, and the year's official adjustments (bridging days,
 * swaps, make-up Saturdays) that the government announces each year.
 *
 * Pure and deterministic (workflow-safe). The adjustments arrive as a plain object (`YearAdjustments`);
 * reading them from `data/holidays/<year>.yaml` is load.ts's job.
 *
 * The law, by period (the defaults; a year file can adjust any year):
 * - 2021–2100, Labour Code 2019 Art. 112: 11 days: 1/1; Tết 5 days; Hùng Kings 10/3 lunar; 30/4; 1/5;
 *   2/9 and one adjacent day (1/9 or 3/9).
 * - 2013–2020, Labour Code 2012 Art. 115: 10 days: the same with 2/9 alone.
 * - 2007–2012, Labour Code 1994 Art. 73 as amended in 2007: 9 days: Tết 4 days, Hùng Kings added, 2/9 alone.
 * - 2000–2006, Labour Code 1994 Art. 73: 8 days: 1/1, Tết 4 days, 30/4, 1/5, 2/9.
 * In every period a holiday on a weekly rest day is compensated on the next working day (Labour Code 2019
 * Art. 111(3)). State offices rest on Saturday and Sunday (Decision 188/1999/QĐ-TTg).
 *
 * Which days make up Tết is decided each year by the Prime Minister. The default here is the last day of
 * the lunar year (29 or 30 tháng Chạp) and the first days of month 1 (mùng 1–4, or mùng 1–3 for a 4-day
 * Tết): "tetDaysBeforeNewYear: 1". Recent decisions often start a day earlier (2024, 2025: 2 days before).
 * The day adjacent to 2/9 is also decided each year; the default is the one that joins the break to a
 * weekend, as the 2021–2025 decisions did: 1/9 when 2/9 is a Tuesday, Friday or Saturday, else 3/9.
 */
import {
  addDays,
  compareIsoDates,
  dateParts,
  isIsoDate,
  isoWeekday,
  makeIsoDate,
  yearOf,
  type IsoDate,
  type IsoWeekday,
} from './dates';
import { lunarNewYear, lunarToSolar } from './lunar';

/** Years whose statutory holidays this module computes. */
export const HOLIDAY_MIN_YEAR = 2000;
export const HOLIDAY_MAX_YEAR = 2100;

/** State offices' weekly rest days: Saturday and Sunday. */
export const STATE_OFFICE_REST_DAYS: readonly IsoWeekday[] = [6, 7];

export type HolidayId = 'new-year' | 'tet' | 'hung-kings' | 'reunification' | 'labour-day' | 'national-day';

/**
 * Why a day is off:
 * - 'holiday': a public holiday the law fixes (it may fall on a weekend);
 * - 'compensatory': nghỉ bù for a holiday that fell on a weekly rest day;
 * - 'swap': a working day given off in exchange for a make-up day (hoán đổi);
 * - 'extra': any other day off the government granted (a bridging day, a special occasion).
 */
export type DayOffKind = 'holiday' | 'compensatory' | 'swap' | 'extra';

export interface DayOff {
  date: IsoDate;
  /** Vietnamese name, with diacritics. */
  name: string;
  nameEn: string;
  kind: DayOffKind;
  /** The public holiday this day belongs to (for 'holiday' and computed 'compensatory' days). */
  holiday?: HolidayId;
}

/** A weekly rest day that is worked (làm bù), e.g. the Saturday that pays for a swapped day. */
export interface ExtraWorkingDay {
  date: IsoDate;
  name: string;
  nameEn: string;
}

/** A year's official decisions, as written in its year file (all fields optional). */
export interface YearAdjustments {
  /** The decisions/notices followed, for the record. */
  sources?: string[];
  /** Tết's days start this many days before mùng 1 (1 = the last day of the lunar year). 0–4. */
  tetDaysBeforeNewYear?: number;
  /** The day adjacent to National Day: 1/9 or 3/9 of the year (from 2021). */
  nationalDayAdjacent?: IsoDate;
  /** Days to take out of the computed list (holidays or compensatory days), e.g. when a decision moves them. */
  remove?: { date: IsoDate; reason?: string }[];
  /** Further days off. */
  add?: { date: IsoDate; name: string; nameEn: string; kind?: 'holiday' | 'compensatory' | 'extra' }[];
  /** Exchanges: `off` (a working day) becomes a day off, `workOn` (a weekly rest day) a working day. */
  swap?: { off: IsoDate; workOn: IsoDate; name?: string; nameEn?: string }[];
  /** Weekly rest days that are worked. */
  workingDays?: { date: IsoDate; name?: string; nameEn?: string }[];
}

/** One year of a working calendar: the days off besides ordinary weekly rest days, and extra working days. */
export interface CalendarYear {
  year: number;
  /** Where the days come from: the law applied, and the decisions of the year file if there was one. */
  sources: string[];
  /** Sorted by date; one entry per date. */
  daysOff: DayOff[];
  /** Sorted by date; one entry per date. */
  workingDays: ExtraWorkingDay[];
}

/** A problem in a year's adjustments, at a path such as ['swap', 0, 'workOn']. */
export interface AdjustmentProblem {
  path: (string | number)[];
  message: string;
}

/** Thrown by buildCalendarYear when the adjustments cannot be applied; lists every problem found. */
export class AdjustmentError extends Error {
  constructor(
    readonly year: number,
    readonly problems: AdjustmentProblem[],
  ) {
    super(
      `Holiday adjustments for ${year} cannot be applied:\n` +
        problems.map((p) => `  ${formatPath(p.path)}: ${p.message}`).join('\n'),
    );
    this.name = 'AdjustmentError';
  }
}

export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top)';
}

interface LegalPeriod {
  from: number;
  to: number;
  law: string;
  tetDays: 4 | 5;
  hungKings: boolean;
  nationalDayAdjacent: boolean;
}

const LEGAL_PERIODS: readonly LegalPeriod[] = [
  {
    from: 2000,
    to: 2006,
    law: 'Bộ luật Lao động 1994, Điều 73',
    tetDays: 4,
    hungKings: false,
    nationalDayAdjacent: false,
  },
  {
    from: 2007,
    to: 2012,
    law: 'Bộ luật Lao động 1994 (sửa đổi 2007), Điều 73',
    tetDays: 4,
    hungKings: true,
    nationalDayAdjacent: false,
  },
  {
    from: 2013,
    to: 2020,
    law: 'Bộ luật Lao động 2012, Điều 115',
    tetDays: 5,
    hungKings: true,
    nationalDayAdjacent: false,
  },
  {
    from: 2021,
    to: 2100,
    law: 'Bộ luật Lao động 2019, Điều 112',
    tetDays: 5,
    hungKings: true,
    nationalDayAdjacent: true,
  },
];

/** Thrown for a year outside HOLIDAY_MIN_YEAR–HOLIDAY_MAX_YEAR. */
export class HolidayYearError extends RangeError {
  constructor(year: number) {
    super(`Public holidays are computed for ${HOLIDAY_MIN_YEAR}–${HOLIDAY_MAX_YEAR}; ${year} is outside`);
    this.name = 'HolidayYearError';
  }
}

function periodOf(year: number): LegalPeriod {
  const period = LEGAL_PERIODS.find((p) => Number.isInteger(year) && year >= p.from && year <= p.to);
  if (!period) throw new HolidayYearError(year);
  return period;
}

/** The law that fixes the year's public holidays, e.g. "Bộ luật Lao động 2019, Điều 112". */
export function holidayLawOf(year: number): string {
  return periodOf(year).law;
}

/** Default day adjacent to 2/9 (see the module comment): 1/9 when 2/9 is a Tue, Fri or Sat, else 3/9. */
export function defaultNationalDayAdjacent(year: number): IsoDate {
  const weekday = isoWeekday(makeIsoDate(year, 9, 2));
  return weekday === 2 || weekday === 5 || weekday === 6 ? makeIsoDate(year, 9, 1) : makeIsoDate(year, 9, 3);
}

export const DEFAULT_TET_DAYS_BEFORE_NEW_YEAR = 1;

const NAMES: Record<HolidayId, { name: string; nameEn: string }> = {
  'new-year': { name: 'Tết Dương lịch', nameEn: "New Year's Day" },
  tet: { name: 'Tết Nguyên Đán', nameEn: 'Lunar New Year (Tết)' },
  'hung-kings': { name: 'Giỗ Tổ Hùng Vương', nameEn: "Hùng Kings' Commemoration Day" },
  reunification: { name: 'Ngày Chiến thắng', nameEn: 'Reunification Day' },
  'labour-day': { name: 'Ngày Quốc tế Lao động', nameEn: 'International Labour Day' },
  'national-day': { name: 'Quốc khánh', nameEn: 'National Day' },
};

function holiday(date: IsoDate, id: HolidayId): DayOff {
  return { date, ...NAMES[id], kind: 'holiday', holiday: id };
}

/**
 * The public holidays the law fixes for `year`, before compensation and adjustments, sorted by date.
 * Options are the two choices a year's decision makes: which days form Tết, and which day joins 2/9.
 */
export function statutoryHolidays(
  year: number,
  options: { tetDaysBeforeNewYear?: number; nationalDayAdjacent?: IsoDate } = {},
): DayOff[] {
  const period = periodOf(year);
  const before = options.tetDaysBeforeNewYear ?? DEFAULT_TET_DAYS_BEFORE_NEW_YEAR;
  if (!Number.isInteger(before) || before < 0 || before > period.tetDays - 1) {
    throw new RangeError(
      `tetDaysBeforeNewYear must be an integer from 0 to ${period.tetDays - 1}, got ${before}`,
    );
  }
  const days: DayOff[] = [holiday(makeIsoDate(year, 1, 1), 'new-year')];
  const tet = lunarNewYear(year);
  for (let i = -before; i < period.tetDays - before; i++) days.push(holiday(addDays(tet, i), 'tet'));
  if (period.hungKings) days.push(holiday(lunarToSolar({ year, month: 3, day: 10 }), 'hung-kings'));
  days.push(holiday(makeIsoDate(year, 4, 30), 'reunification'));
  days.push(holiday(makeIsoDate(year, 5, 1), 'labour-day'));
  days.push(holiday(makeIsoDate(year, 9, 2), 'national-day'));
  if (period.nationalDayAdjacent) {
    const adjacent = options.nationalDayAdjacent ?? defaultNationalDayAdjacent(year);
    if (adjacent !== makeIsoDate(year, 9, 1) && adjacent !== makeIsoDate(year, 9, 3)) {
      throw new RangeError(
        `The day adjacent to National Day must be ${year}-09-01 or ${year}-09-03, got ${adjacent}`,
      );
    }
    days.push({
      ...holiday(adjacent, 'national-day'),
      name: 'Quốc khánh (ngày liền kề)',
      nameEn: 'National Day holiday',
    });
  } else if (options.nationalDayAdjacent !== undefined) {
    throw new RangeError(`National Day has one day only in ${year} (${period.law}): no adjacent day`);
  }
  return days.sort((a, b) => compareIsoDates(a.date, b.date));
}

/**
 * Compensatory days (nghỉ bù) for the holidays that fall on a weekly rest day: each moves to the next day
 * that is neither a weekly rest day, nor a holiday, nor already a compensatory day, in date order.
 */
export function compensatoryDays(
  holidays: readonly DayOff[],
  weeklyRestDays: readonly IsoWeekday[] = STATE_OFFICE_REST_DAYS,
): DayOff[] {
  const taken = new Set(holidays.map((h) => h.date));
  const result: DayOff[] = [];
  const sorted = [...holidays].sort((a, b) => compareIsoDates(a.date, b.date));
  for (const h of sorted) {
    if (!weeklyRestDays.includes(isoWeekday(h.date))) continue;
    let d = addDays(h.date, 1);
    while (weeklyRestDays.includes(isoWeekday(d)) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    result.push({
      date: d,
      name: `Nghỉ bù ${h.name}`,
      nameEn: `Compensatory day off for ${h.nameEn}`,
      kind: 'compensatory',
      ...(h.holiday ? { holiday: h.holiday } : {}),
    });
  }
  return result;
}

function formatVi(date: IsoDate): string {
  const { year, month, day } = dateParts(date);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

/**
 * The calendar of one year: statutory holidays, compensatory days, then the year's adjustments in this
 * order: remove, add, swap, workingDays. Either returns the whole year or throws an AdjustmentError that
 * lists every problem; nothing is half-applied.
 */
export function buildCalendarYear(
  year: number,
  adjustments: YearAdjustments = {},
  weeklyRestDays: readonly IsoWeekday[] = STATE_OFFICE_REST_DAYS,
): CalendarYear {
  const period = periodOf(year);
  const problems: AdjustmentProblem[] = [];
  const problem = (path: (string | number)[], message: string): void => {
    problems.push({ path, message });
  };
  const inYear = (value: unknown, path: (string | number)[]): value is IsoDate => {
    if (!isIsoDate(value)) {
      problem(path, `${JSON.stringify(value)} is not a date; expected YYYY-MM-DD`);
      return false;
    }
    if (yearOf(value) !== year) {
      problem(path, `${value} is not in ${year}; a year's adjustments may only name days of that year`);
      return false;
    }
    return true;
  };
  const isRestDay = (date: IsoDate): boolean => weeklyRestDays.includes(isoWeekday(date));

  // 1. What the law fixes, with the year's two choices.
  const before = adjustments.tetDaysBeforeNewYear;
  if (before !== undefined && (!Number.isInteger(before) || before < 0 || before > period.tetDays - 1)) {
    problem(
      ['tetDaysBeforeNewYear'],
      `expected an integer from 0 to ${period.tetDays - 1}, got ${JSON.stringify(before)}`,
    );
  }
  const adjacent = adjustments.nationalDayAdjacent;
  if (adjacent !== undefined) {
    if (!period.nationalDayAdjacent) {
      problem(['nationalDayAdjacent'], `National Day has one day only in ${year} (${period.law})`);
    } else if (adjacent !== `${year}-09-01` && adjacent !== `${year}-09-03`) {
      problem(
        ['nationalDayAdjacent'],
        `expected ${year}-09-01 or ${year}-09-03, got ${JSON.stringify(adjacent)}`,
      );
    }
  }
  if (problems.length > 0) throw new AdjustmentError(year, problems);
  const holidays = statutoryHolidays(year, { tetDaysBeforeNewYear: before, nationalDayAdjacent: adjacent });
  const daysOff = new Map<IsoDate, DayOff>();
  for (const h of [...holidays, ...compensatoryDays(holidays, weeklyRestDays)]) daysOff.set(h.date, h);
  const workingDays = new Map<IsoDate, ExtraWorkingDay>();

  // 2. remove: only days that are there.
  const removed = new Set<IsoDate>();
  (adjustments.remove ?? []).forEach((entry, i) => {
    if (!inYear(entry.date, ['remove', i, 'date'])) return;
    if (removed.has(entry.date)) {
      problem(['remove', i, 'date'], `${entry.date} is listed twice`);
    } else if (daysOff.delete(entry.date)) {
      removed.add(entry.date);
    } else {
      problem(
        ['remove', i, 'date'],
        `${entry.date} is not a computed day off of ${year}, so it cannot be removed`,
      );
    }
  });

  // 3. add: days not already off.
  (adjustments.add ?? []).forEach((entry, i) => {
    if (!inYear(entry.date, ['add', i, 'date'])) return;
    const existing = daysOff.get(entry.date);
    if (existing) {
      problem(
        ['add', i, 'date'],
        `${entry.date} is already a day off (${existing.name}); remove it first to rename it`,
      );
      return;
    }
    daysOff.set(entry.date, {
      date: entry.date,
      name: entry.name,
      nameEn: entry.nameEn,
      kind: entry.kind ?? 'extra',
    });
  });

  // 4. swap: a working weekday off, a weekly rest day worked.
  (adjustments.swap ?? []).forEach((entry, i) => {
    const problemsBefore = problems.length;
    const offOk = inYear(entry.off, ['swap', i, 'off']);
    const workOk = inYear(entry.workOn, ['swap', i, 'workOn']);
    if (offOk) {
      if (isRestDay(entry.off))
        problem(['swap', i, 'off'], `${entry.off} is a weekly rest day, not a working day to give off`);
      else if (daysOff.has(entry.off))
        problem(['swap', i, 'off'], `${entry.off} is already a day off (${daysOff.get(entry.off)!.name})`);
    }
    if (workOk) {
      if (!isRestDay(entry.workOn))
        problem(
          ['swap', i, 'workOn'],
          `${entry.workOn} is already a working day; expected a weekly rest day`,
        );
      else if (daysOff.has(entry.workOn))
        problem(['swap', i, 'workOn'], `${entry.workOn} is a day off (${daysOff.get(entry.workOn)!.name})`);
      else if (workingDays.has(entry.workOn))
        problem(['swap', i, 'workOn'], `${entry.workOn} is listed twice as a working day`);
    }
    if (!offOk || !workOk || problems.length > problemsBefore) return;
    daysOff.set(entry.off, {
      date: entry.off,
      name: entry.name ?? `Nghỉ hoán đổi (làm bù ngày ${formatVi(entry.workOn)})`,
      nameEn: entry.nameEn ?? `Swapped day off (worked on ${entry.workOn})`,
      kind: 'swap',
    });
    workingDays.set(entry.workOn, {
      date: entry.workOn,
      name: `Làm bù cho ngày ${formatVi(entry.off)}`,
      nameEn: `Make-up working day for ${entry.off}`,
    });
  });

  // 5. workingDays: weekly rest days that are worked.
  (adjustments.workingDays ?? []).forEach((entry, i) => {
    if (!inYear(entry.date, ['workingDays', i, 'date'])) return;
    if (!isRestDay(entry.date)) {
      problem(
        ['workingDays', i, 'date'],
        `${entry.date} is already a working day; expected a weekly rest day`,
      );
    } else if (daysOff.has(entry.date)) {
      problem(
        ['workingDays', i, 'date'],
        `${entry.date} is a day off (${daysOff.get(entry.date)!.name}); remove it first`,
      );
    } else if (workingDays.has(entry.date)) {
      problem(['workingDays', i, 'date'], `${entry.date} is listed twice as a working day`);
    } else {
      workingDays.set(entry.date, {
        date: entry.date,
        name: entry.name ?? 'Làm bù',
        nameEn: entry.nameEn ?? 'Make-up working day',
      });
    }
  });

  if (problems.length > 0) throw new AdjustmentError(year, problems);
  return {
    year,
    sources: [period.law, ...(adjustments.sources ?? [])],
    daysOff: [...daysOff.values()].sort((a, b) => compareIsoDates(a.date, b.date)),
    workingDays: [...workingDays.values()].sort((a, b) => compareIsoDates(a.date, b.date)),
  };
}
