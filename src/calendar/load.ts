/**
 * Builds CalendarData for a set of years: the computed public holidays of each year, with that year's file
 * `data/holidays/<year>.yaml` applied when there is one.
 *
 * Node only (reads files): NOT for workflow code. The CLI (or whatever starts a workflow) calls
 * buildCalendarData and passes the result in the workflow input; the workflow builds a WorkingCalendar from it.
 *
 * Year files are YAML (read with the `yaml` package) because people edit them by hand: comments can cite the
 * decision followed, and errors point at a line. A bad file throws HolidayFileError listing every problem as
 * "file:line:col: path: what is wrong"; nothing is returned half-built.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import {
  AdjustmentError,
  buildCalendarYear,
  formatPath,
  HOLIDAY_MAX_YEAR,
  HOLIDAY_MIN_YEAR,
  STATE_OFFICE_REST_DAYS,
  type CalendarYear,
  type YearAdjustments,
} from './holidays';
import { CALENDAR_DATA_FORMAT, type CalendarData } from './working-calendar';
import type { IsoWeekday } from './dates';

export const DEFAULT_HOLIDAY_DIR = 'data/holidays';

/** The project's holiday year files, wherever the process runs from. */
export const PROJECT_HOLIDAY_DIR = join(__dirname, '../../data/holidays');

/** One problem in a year file, located. */
export interface HolidayFileProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

/** One or more year files are wrong; the message lists every problem with its file, line and path. */
export class HolidayFileError extends Error {
  constructor(readonly problems: HolidayFileProblem[]) {
    super(
      `Holiday file problems (nothing was loaded):\n` +
        problems.map((p) => `  ${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}`).join('\n') +
        `\nSee docs/operators.md, "Working days and holidays", for the file format.`,
    );
    this.name = 'HolidayFileError';
  }
}

const TOP_KEYS = [
  'year',
  'sources',
  'tetDaysBeforeNewYear',
  'nationalDayAdjacent',
  'remove',
  'add',
  'swap',
  'workingDays',
] as const;
const ENTRY_KEYS: Record<
  'remove' | 'add' | 'swap' | 'workingDays',
  { required: string[]; optional: string[] }
> = {
  remove: { required: ['date'], optional: ['reason'] },
  add: { required: ['date', 'name', 'nameEn'], optional: ['kind'] },
  swap: { required: ['off', 'workOn'], optional: ['name', 'nameEn'] },
  workingDays: { required: ['date'], optional: ['name', 'nameEn'] },
};
const ADD_KINDS = ['holiday', 'compensatory', 'extra'];

type Path = (string | number)[];

/**
 * Reads and checks one year file. Returns the adjustments, or throws HolidayFileError. The file's `year`
 * must match `year`; dates are checked against the year when the adjustments are applied (buildCalendarData).
 */
export function readYearFile(file: string, year: number): YearAdjustments {
  const text = readFileSync(file, 'utf8');
  const parsed = parseYearFile(text, file, year);
  if ('problems' in parsed) throw new HolidayFileError(parsed.problems);
  return parsed.adjustments;
}

interface ParsedYearFile {
  adjustments: YearAdjustments;
  locate: (path: Path) => { line: number; col: number };
}

/** Parses year-file text; `file` is only used in messages. */
export function parseYearFile(
  text: string,
  file: string,
  year: number,
): ParsedYearFile | { problems: HolidayFileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: HolidayFileProblem[] = [];
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, col: pos.col, path: '(yaml)', message: e.message.split('\n')[0]! });
  }
  if (problems.length > 0) return { problems };

  const locate = (path: Path, atKey = false): { line: number; col: number } => {
    const offset = offsetOf(doc, path, atKey);
    return offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
  };
  const problem = (path: Path, message: string, atKey = false): void => {
    const pos = locate(path, atKey);
    problems.push({ file, line: pos.line, col: pos.col, path: formatPath(path), message });
  };

  const value: unknown = doc.toJS();
  if (!isPlainObject(value)) {
    problem([], 'expected a mapping with at least "year" and "sources"');
    return { problems };
  }
  for (const key of Object.keys(value)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) {
      problem([key], `unknown key "${key}"; expected one of: ${TOP_KEYS.join(', ')}`, true);
    }
  }
  if (value.year !== year) {
    problem(['year'], `expected year: ${year} (the file name's year), got ${JSON.stringify(value.year)}`);
  }
  const sources = value.sources;
  if (
    !Array.isArray(sources) ||
    sources.length === 0 ||
    sources.some((s) => typeof s !== 'string' || s.trim() === '')
  ) {
    problem(['sources'], 'expected a list of the official decisions or notices this file follows (text)');
  }
  const adjustments: YearAdjustments = { sources: Array.isArray(sources) ? (sources as string[]) : [] };

  if (value.tetDaysBeforeNewYear !== undefined) {
    if (!Number.isInteger(value.tetDaysBeforeNewYear)) {
      problem(['tetDaysBeforeNewYear'], 'expected a whole number of days (0–4) before mùng 1 Tết');
    } else {
      adjustments.tetDaysBeforeNewYear = value.tetDaysBeforeNewYear as number;
    }
  }
  if (value.nationalDayAdjacent !== undefined) {
    if (typeof value.nationalDayAdjacent !== 'string') {
      problem(['nationalDayAdjacent'], `expected a date, ${year}-09-01 or ${year}-09-03`);
    } else {
      adjustments.nationalDayAdjacent = value.nationalDayAdjacent;
    }
  }
  for (const listKey of ['remove', 'add', 'swap', 'workingDays'] as const) {
    const list = value[listKey];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      problem([listKey], 'expected a list');
      continue;
    }
    const { required, optional } = ENTRY_KEYS[listKey];
    const entries: Record<string, unknown>[] = [];
    list.forEach((raw: unknown, i) => {
      // A bare date is shorthand for { date } in remove and workingDays.
      const entry =
        typeof raw === 'string' && (listKey === 'remove' || listKey === 'workingDays') ? { date: raw } : raw;
      if (!isPlainObject(entry)) {
        problem([listKey, i], `expected a mapping with ${required.join(', ')}`);
        return;
      }
      let ok = true;
      for (const key of Object.keys(entry)) {
        if (!required.includes(key) && !optional.includes(key)) {
          problem(
            [listKey, i, key],
            `unknown key "${key}"; expected ${[...required, ...optional].join(', ')}`,
            true,
          );
          ok = false;
        }
      }
      for (const key of required) {
        if (entry[key] === undefined || entry[key] === null) {
          problem([listKey, i], `missing "${key}"`);
          ok = false;
        }
      }
      for (const key of ['name', 'nameEn', 'reason']) {
        if (entry[key] !== undefined && (typeof entry[key] !== 'string' || entry[key] === '')) {
          problem([listKey, i, key], 'expected non-empty text');
          ok = false;
        }
      }
      if (listKey === 'add' && entry.kind !== undefined && !ADD_KINDS.includes(entry.kind as string)) {
        problem([listKey, i, 'kind'], `expected one of ${ADD_KINDS.join(', ')}`);
        ok = false;
      }
      if (ok) entries.push(entry);
    });
    (adjustments as Record<string, unknown>)[listKey] = entries;
  }
  if (problems.length > 0) return { problems };
  return { adjustments, locate };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Source offset of the value at `path` (of its key when `atKey`), or of its nearest existing ancestor.
 */
function offsetOf(doc: Document, path: Path, atKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const [i, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      const keyOffset = (pair.key as Node).range?.[0];
      const valueOffset = (pair.value as Node | null)?.range?.[0];
      offset = (atKey && i === path.length - 1 ? keyOffset : (valueOffset ?? keyOffset)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

export interface BuildCalendarOptions {
  /** ISO weekdays of weekly rest: [6, 7] (Saturday, Sunday) for state offices. */
  weeklyRestDays?: IsoWeekday[];
}

/**
 * CalendarData for `years`: each year's public holidays (2000–2100) and compensatory days, with
 * `<holidayDir>/<year>.yaml` applied when it exists. `holidayDir` is resolved from the current directory.
 * Throws HolidayFileError (every problem of every file, located) or RangeError; returns nothing partial.
 */
export function buildCalendarData(
  years: number[],
  holidayDir: string = DEFAULT_HOLIDAY_DIR,
  options: BuildCalendarOptions = {},
): CalendarData {
  const wanted = [...new Set(years)].sort((a, b) => a - b);
  if (wanted.length === 0) throw new RangeError('buildCalendarData: no year asked for');
  for (const y of wanted) {
    if (!Number.isInteger(y) || y < HOLIDAY_MIN_YEAR || y > HOLIDAY_MAX_YEAR) {
      throw new RangeError(`buildCalendarData: year ${y} is outside ${HOLIDAY_MIN_YEAR}–${HOLIDAY_MAX_YEAR}`);
    }
  }
  const dir = resolve(holidayDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `Holiday directory ${dir} does not exist (resolved "${holidayDir}" from ${process.cwd()}); ` +
        `run from the project root or pass the directory that holds <year>.yaml files`,
    );
  }
  const weeklyRestDays = options.weeklyRestDays ?? [...STATE_OFFICE_REST_DAYS];
  const names = readdirSync(dir);
  const problems: HolidayFileProblem[] = [];
  const result: CalendarYear[] = [];

  for (const year of wanted) {
    const fileName = `${year}.yaml`;
    const file = join(holidayDir, fileName);
    for (const stray of names.filter((n) => n !== fileName && n.startsWith(`${year}.`))) {
      problems.push({
        file: join(holidayDir, stray),
        line: 1,
        col: 1,
        path: '(file)',
        message: `only ${fileName} is read for ${year}; rename this file or delete it`,
      });
    }
    if (!names.includes(fileName)) {
      result.push(buildCalendarYear(year, {}, weeklyRestDays));
      continue;
    }
    const parsed = parseYearFile(readFileSync(join(dir, fileName), 'utf8'), file, year);
    if ('problems' in parsed) {
      problems.push(...parsed.problems);
      continue;
    }
    try {
      const built = buildCalendarYear(year, parsed.adjustments, weeklyRestDays);
      built.sources = built.sources.map((s, i) => (i === 0 ? s : `${fileName}: ${s}`));
      result.push(built);
    } catch (e) {
      if (!(e instanceof AdjustmentError)) throw e;
      for (const p of e.problems) {
        const pos = parsed.locate(p.path);
        problems.push({ file, line: pos.line, col: pos.col, path: formatPath(p.path), message: p.message });
      }
    }
  }
  if (problems.length > 0) throw new HolidayFileError(problems);
  return {
    format: CALENDAR_DATA_FORMAT,
    timeZone: 'Asia/Ho_Chi_Minh',
    weeklyRestDays,
    years: result,
  };
}
