import { mkdtempSync, rmSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCalendarData, HolidayFileError, readYearFile } from '../../../src/calendar/load';
import { WorkingCalendar } from '../../../src/calendar/working-calendar';

const REAL_DIR = join(__dirname, '../../../data/holidays');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoihop-holidays-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof HolidayFileError)
      return e.problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a HolidayFileError');
}

const GOOD = `# test
year: 2026
sources: ['Test decision']
add:
  - date: 2026-02-13
    name: Nghỉ thêm trước Tết
    nameEn: Extra day off before Tết
workingDays:
  - 2026-02-28
`;

describe('buildCalendarData', () => {
  it('computes years without a file and applies the file of a year that has one', () => {
    writeFileSync(join(dir, '2026.yaml'), GOOD);
    const data = buildCalendarData([2027, 2026, 2026], dir);
    expect(data.years.map((y) => y.year)).toEqual([2026, 2027]);
    const cal = new WorkingCalendar(data);
    expect(cal.dayOff('2026-02-13')).toMatchObject({ name: 'Nghỉ thêm trước Tết', kind: 'extra' });
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    expect(cal.sourcesOf(2026)).toEqual(['Bộ luật Lao động 2019, Điều 112', '2026.yaml: Test decision']);
    expect(cal.sourcesOf(2027)).toEqual(['Bộ luật Lao động 2019, Điều 112']);
  });

  it('reads the shipped year files cleanly, and each names the decisions it follows', () => {
    const files = readdirSync(REAL_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const year = Number(file.slice(0, 4));
      const text = readFileSync(join(REAL_DIR, file), 'utf8');
      expect(text).toMatch(/^# .*\n#\n# Follows /m);
      expect(readYearFile(join(REAL_DIR, file), year).sources!.length).toBeGreaterThan(0);
      expect(() => buildCalendarData([year], REAL_DIR)).not.toThrow();
    }
  });

  it('refuses years outside 2000–2100 and a missing directory', () => {
    expect(() => buildCalendarData([1999], dir)).toThrow('year 1999 is outside 2000–2100');
    expect(() => buildCalendarData([], dir)).toThrow('no year');
    expect(() => buildCalendarData([2026], join(dir, 'nope'))).toThrow('does not exist');
  });
});

describe('bad year files', () => {
  it.each([
    [
      'a date that does not exist',
      'year: 2026\nsources: [x]\nadd:\n  - date: 2026-02-30\n    name: a\n    nameEn: a\n',
      ['4:11 add[0].date: "2026-02-30" is not a date; expected YYYY-MM-DD'],
    ],
    [
      'a date outside the file’s year',
      'year: 2026\nsources: [x]\nremove:\n  - 2025-01-01\n',
      ["4:5 remove[0].date: 2025-01-01 is not in 2026; a year's adjustments may only name days of that year"],
    ],
    [
      'an unknown key (a typo)',
      'year: 2026\nsources: [x]\nswaps:\n  - off: 2026-01-02\n',
      [
        '3:1 swaps: unknown key "swaps"; expected one of: year, sources, tetDaysBeforeNewYear, ' +
          'nationalDayAdjacent, remove, add, swap, workingDays',
      ],
    ],
    [
      'an unknown key in an entry',
      'year: 2026\nsources: [x]\nswap:\n  - off: 2026-01-02\n    workon: 2026-01-10\n',
      [
        '5:5 swap[0].workon: unknown key "workon"; expected off, workOn, name, nameEn',
        '4:5 swap[0]: missing "workOn"',
      ],
    ],
    [
      'a duplicate key',
      'year: 2026\nsources: [x]\nadd: []\nadd: []\n',
      ['4:1 (yaml): Map keys must be unique'],
    ],
    [
      'a duplicate date',
      'year: 2026\nsources: [x]\nworkingDays:\n  - 2026-02-28\n  - date: 2026-02-28\n',
      ['5:11 workingDays[1].date: 2026-02-28 is listed twice as a working day'],
    ],
    [
      'a day that is already off',
      'year: 2026\nsources: [x]\nadd:\n  - { date: 2026-09-02, name: a, nameEn: a }\n',
      ['4:13 add[0].date: 2026-09-02 is already a day off (Quốc khánh); remove it first to rename it'],
    ],
    [
      'the wrong year',
      'year: 2025\nsources: [x]\n',
      ["1:7 year: expected year: 2026 (the file name's year), got 2025"],
    ],
    [
      'no sources',
      'year: 2026\n',
      ['1:1 sources: expected a list of the official decisions or notices this file follows (text)'],
    ],
    [
      'a wrong adjacent day',
      'year: 2026\nsources: [x]\nnationalDayAdjacent: 2026-09-04\n',
      ['3:22 nationalDayAdjacent: expected 2026-09-01 or 2026-09-03, got "2026-09-04"'],
    ],
    [
      'a swap onto a working day',
      'year: 2026\nsources: [x]\nswap:\n  - off: 2026-01-02\n    workOn: 2026-01-09\n',
      ['5:13 swap[0].workOn: 2026-01-09 is already a working day; expected a weekly rest day'],
    ],
    [
      'not YAML',
      'year: [2026\n',
      ['2:1 (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
  ])('%s: names the file, line and path, and loads nothing', (_what, text, expected) => {
    writeFileSync(join(dir, '2026.yaml'), text);
    const problems = problemsOf(() => buildCalendarData([2025, 2026], dir));
    expect(problems).toEqual(expected.map((e) => expect.stringContaining(e)));
    try {
      buildCalendarData([2026], dir);
    } catch (e) {
      expect((e as Error).message).toContain(join(dir, '2026.yaml'));
      expect((e as Error).message).toContain('nothing was loaded');
    }
  });

  it('reports the problems of every file at once', () => {
    writeFileSync(join(dir, '2025.yaml'), 'year: 2025\nsources: [x]\nbogus: 1\n');
    writeFileSync(join(dir, '2026.yaml'), 'year: 2026\nsources: [x]\nremove: [2026-03-03]\n');
    writeFileSync(join(dir, '2027.yml'), 'year: 2027\n');
    const problems = problemsOf(() => buildCalendarData([2025, 2026, 2027], dir));
    expect(problems).toEqual([
      expect.stringContaining('3:1 bogus: unknown key'),
      expect.stringContaining('3:10 remove[0].date: 2026-03-03 is not a computed day off of 2026'),
      expect.stringContaining('1:1 (file): only 2027.yaml is read for 2027; rename this file or delete it'),
    ]);
  });
});
