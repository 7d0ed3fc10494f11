import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import { importDirectoryFile } from '../../../src/directory/import-file';
import { importDirectory, parseDirectoryCsv } from '../../../src/directory/import';
import { previewDirectoryFile } from '../../../src/directory/preview';
import { parseDirectoryFile } from '../../../src/directory/xlsx';
import { DirectoryError, type DirectoryIssue } from '../../../src/directory/types';
import { buildWebServer } from '../../../src/web/server';
import { runPhoihop } from '../../support/cli';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { Random } from '../../support/fuzz-random';
import { projectRoot } from '../../support/tools';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening, loggedIn, USERS } from '../web/dashboard-browser';

// A 10,000-row directory file in the project's format, generated from a fixed seed, with about forty
// problems of every kind the parser checks scattered at random rows. Whatever the path (the preview, the
// import, the CLI, the dashboard's upload), the file is refused with every problem named by its line and
// column, and the database (already holding a directory) is left as it was.

const SEED = 0x0d1ec7;
const ROWS = 10_000;
/** Rows 0..PARENTS-1 are district committees that other rows name as parent; they are never corrupted. */
const PARENTS = 200;
const CORRUPTIONS = 40;
const EFFECTIVE_FROM = '2026-01-01';
/** 10:00 on 29 November 2026 in Vietnam: the dashboard's "now". */
const NOW = Date.UTC(2026, 10, 29, 3, 0);

const HEADER = [
  'code',
  'name',
  'name_en',
  'group',
  'parent_code',
  'focal_point_name',
  'focal_point_email',
  'focal_point_phone',
  'head_name',
  'head_email',
  'head_phone',
  'deputy_name',
  'deputy_email',
  'deputy_phone',
] as const;
type Column = (typeof HEADER)[number];
const COL = Object.fromEntries(HEADER.map((c, i) => [c, i])) as Record<Column, number>;

const SURNAMES = ['Lò', 'Quàng', 'Cà', 'Lường', 'Vì', 'Nguyễn', 'Trần', 'Đỗ', 'Mùa', 'Giàng', 'Sùng', 'Tòng'];
const MIDDLE = ['Văn', 'Thị', 'Thanh', 'Minh', 'Quang', 'Hữu', 'Ngọc', 'A'];
const GIVEN = ['Hương', 'Pà', 'Chinh', 'Dũng', 'Hằng', 'Tâm', 'Mai', 'Khánh', 'Ơn', 'Sinh', 'Phượng', 'Lan'];
const PLACES = [
  'Mường Phăng',
  'Thanh Nưa',
  'Sam Mứn',
  'Na Tông',
  'Tủa Chùa',
  'Mường Nhé',
  'Pú Nhi',
  'Xá Nhè',
];
const ASCII: Record<string, string> = {
  à: 'a',
  ò: 'o',
  ư: 'u',
  ì: 'i',
  ễ: 'e',
  ầ: 'a',
  đ: 'd',
  ỗ: 'o',
  ù: 'u',
  ơ: 'o',
};

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .replace(/./g, (c) => ASCII[c] ?? c);
}

function person(rng: Random): string {
  return `${rng.pick(SURNAMES)} ${rng.pick(MIDDLE)} ${rng.pick(GIVEN)}`;
}

/** The clean table: one row per agency, every cell text, in HEADER order. */
function cleanTable(rng: Random): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < ROWS; i++) {
    const n = String(i).padStart(5, '0');
    const place = `${rng.pick(PLACES)} ${i}`;
    const parent =
      i < PARENTS ? '' : rng.chance(0.4) ? `UBND-H-${String(rng.int(0, PARENTS - 1)).padStart(5, '0')}` : '';
    const group =
      i < PARENTS
        ? 'district_committee'
        : parent
          ? 'commune_committee'
          : rng.pick(['department', 'mass_organisation', 'commune_committee']);
    const code = i < PARENTS ? `UBND-H-${n}` : `DV-${n}`;
    const name =
      group === 'department'
        ? `Sở ${place}, Văn hóa và Thể thao`
        : group === 'mass_organisation'
          ? `Hội Nông dân ${place}`
          : `Ủy ban nhân dân ${i < PARENTS ? 'huyện' : 'xã'} ${place}`;
    const contact = () => {
      const who = person(rng);
      return [who, `${slug(who.split(' ').at(-1)!)}.${slug(who)}${i}@dv${n}.dienbien.example`];
    };
    const [focalName, focalEmail] = contact() as [string, string];
    const [headName, headEmail] = contact() as [string, string];
    const deputy = rng.chance(0.6) ? contact() : ['', ''];
    const phone = () => (rng.chance(0.5) ? `0215 3${rng.int(10, 99)} ${rng.int(100, 999)}` : '');
    rows.push([
      code,
      name,
      rng.chance(0.7) ? `Unit ${place}` : '',
      group,
      parent,
      focalName,
      focalEmail,
      phone(),
      headName,
      headEmail,
      phone(),
      deputy[0]!,
      deputy[1]!,
      deputy[0] ? phone() : '',
    ]);
  }
  return rows;
}

/** A problem the file should be refused for: the row (0-based data index), its column, what it says. */
interface Expected {
  row: number;
  field: Column | null;
  message: RegExp;
}

/** A corruption of one or two rows, and what each file format should report for it. */
interface Corruption {
  kind: string;
  rows: number[];
  csv: Expected[];
  xlsx: Expected[];
}

/** Cells a workbook holds that text cannot: dates, errors, formulas, numbers (data index → cells). */
type XlsxCells = Map<number, { column: Column; value: ExcelJS.CellValue }[]>;

interface Corrupted {
  table: string[][];
  xlsxCells: XlsxCells;
  corruptions: Corruption[];
}

const BAD_EMAILS = [
  'nguyen.van.a@@dienbien.example',
  'khong-co-a-cong.dienbien.example',
  'van thu@dienbien.example',
  'ha.tt@',
  '@soyt.dienbien.example',
  'ha..tt@soyt.dienbien.example',
];

/** Corrupts CORRUPTIONS rows (never a parent row), each kind at least once, at random places. */
function corrupt(rng: Random, clean: string[][]): Corrupted {
  const table = clean.map((row) => [...row]);
  const xlsxCells: XlsxCells = new Map();
  const corruptions: Corruption[] = [];
  const targets = rng.distinct(CORRUPTIONS + 4, PARENTS, ROWS - 1);
  const touched = new Set(targets);
  const both = (row: number, field: Column | null, message: RegExp): Pick<Corruption, 'csv' | 'xlsx'> => ({
    csv: [{ row, field, message }],
    xlsx: [{ row, field, message }],
  });
  const cell = (row: number, column: Column, value: ExcelJS.CellValue) => {
    xlsxCells.set(row, [...(xlsxCells.get(row) ?? []), { column, value }]);
  };
  type Kind = (row: number) => Omit<Corruption, 'kind'>;
  const kinds: Record<string, Kind> = {
    'bad email': (r) => {
      const role = rng.pick(['focal_point', 'head', 'deputy'] as const);
      if (role === 'deputy' && !table[r]![COL.deputy_name]) table[r]![COL.deputy_name] = person(rng);
      table[r]![COL[`${role}_email`]] = rng.pick(BAD_EMAILS);
      return { rows: [r], ...both(r, `${role}_email`, /is not a valid email address/) };
    },
    'missing head email': (r) => {
      table[r]![COL.head_email] = '';
      return { rows: [r], ...both(r, 'head_email', /^missing head email$/) };
    },
    'unknown group': (r) => {
      table[r]![COL.group] = rng.pick(['ministry', 'Department', 'so_ban_nganh', 'xa phuong']);
      return { rows: [r], ...both(r, 'group', /^unknown group /) };
    },
    'missing group': (r) => {
      table[r]![COL.group] = '  ';
      return { rows: [r], ...both(r, 'group', /^missing group; expected one of/) };
    },
    'duplicate code': (r) => {
      let first = rng.int(0, r - 1);
      while (touched.has(first)) first = rng.int(0, r - 1);
      table[r]![COL.code] = table[first]![COL.code]!;
      return { rows: [r], ...both(r, 'code', /^duplicate code "[A-Z0-9-]+" \(first on line \d+\)$/) };
    },
    'invalid code': (r) => {
      table[r]![COL.code] = rng.pick(['SO_TP', 'Sở-TP', 'A--B', '-AB', 'AB CD', 'X/Y']);
      return { rows: [r], ...both(r, 'code', /is not valid: use A-Z, 0-9 and single hyphens/) };
    },
    'missing code': (r) => {
      table[r]![COL.code] = '';
      return { rows: [r], ...both(r, 'code', /^missing code$/) };
    },
    'missing name': (r) => {
      table[r]![COL.name] = '';
      return { rows: [r], ...both(r, 'name', /^missing name$/) };
    },
    'missing focal point name': (r) => {
      table[r]![COL.focal_point_name] = '';
      return { rows: [r], ...both(r, 'focal_point_name', /^missing focal point name$/) };
    },
    'deputy email without a name': (r) => {
      table[r]![COL.deputy_name] = '';
      table[r]![COL.deputy_email] = `pho.${r}@dienbien.example`;
      return { rows: [r], ...both(r, 'deputy_name', /^missing deputy name$/) };
    },
    'unknown parent': (r) => {
      table[r]![COL.parent_code] = `KHONG-CO-${r}`;
      return { rows: [r], ...both(r, 'parent_code', /^unknown parent "KHONG-CO-\d+": no row of this file/) };
    },
    'own parent': (r) => {
      table[r]![COL.parent_code] = table[r]![COL.code]!;
      return { rows: [r], ...both(r, 'parent_code', /^an agency cannot be its own parent$/) };
    },
    'circular parents': (r) => {
      // Two rows naming each other: reported once, on the first of them in the file.
      let other = rng.int(PARENTS, ROWS - 1);
      while (touched.has(other)) other = rng.int(PARENTS, ROWS - 1);
      touched.add(other);
      table[r]![COL.parent_code] = table[other]![COL.code]!;
      table[other]![COL.parent_code] = table[r]![COL.code]!;
      return { rows: [r, other], ...both(Math.min(r, other), 'parent_code', /^circular parents: /) };
    },
    'line break in a value': (r) => {
      table[r]![COL.name] = `Ủy ban nhân dân xã\n${rng.pick(PLACES)}`;
      return { rows: [r], ...both(r, 'name', /^the value contains a line break$/) };
    },
    'extra cell': (r) => {
      table[r]!.push('ghi chú thêm');
      return {
        rows: [r],
        csv: [{ row: r, field: null, message: /^the row has 15 fields but the header has 14 columns/ }],
        xlsx: [{ row: r, field: null, message: /^cell O\d+ has a value but its column has no header/ }],
      };
    },
    'missing cell': (r) => {
      // A CSV row one comma short is refused; a worksheet row with its last cells empty is just empty.
      table[r]!.pop();
      return {
        rows: [r],
        csv: [{ row: r, field: null, message: /^the row has 13 fields but the header has 14 columns/ }],
        xlsx: [],
      };
    },
    'two problems in a row': (r) => {
      table[r]![COL.focal_point_email] = rng.pick(BAD_EMAILS);
      table[r]![COL.group] = 'ban_nganh';
      const expected: Expected[] = [
        { row: r, field: 'group', message: /^unknown group "ban_nganh"/ },
        { row: r, field: 'focal_point_email', message: /is not a valid email address/ },
      ];
      return { rows: [r], csv: expected, xlsx: expected };
    },
    // Cells only a workbook can hold (the CSV row stays valid).
    'phone typed as a number': (r) => {
      cell(r, 'head_phone', 2153825123);
      return {
        rows: [r],
        csv: [],
        xlsx: [{ row: r, field: 'head_phone', message: /holds the number 2153825123, so Excel has dropped/ }],
      };
    },
    'date cell': (r) => {
      cell(r, 'name_en', new Date(Date.UTC(2025, 6, 1)));
      return {
        rows: [r],
        csv: [],
        xlsx: [{ row: r, field: null, message: /^cell C\d+: the cell holds a date/ }],
      };
    },
    'error cell': (r) => {
      cell(r, 'focal_point_phone', { error: '#N/A' } as ExcelJS.CellErrorValue);
      return {
        rows: [r],
        csv: [],
        xlsx: [{ row: r, field: null, message: /^cell H\d+: the cell holds the error #N\/A$/ }],
      };
    },
    'formula without a value': (r) => {
      cell(r, 'name_en', { formula: 'A2&B2' } as ExcelJS.CellFormulaValue);
      return {
        rows: [r],
        csv: [],
        xlsx: [
          { row: r, field: null, message: /^cell C\d+: the cell holds a formula without a saved value/ },
        ],
      };
    },
  };
  const names = Object.keys(kinds);
  // Every kind once, then kinds at random; applied in a random order of rows.
  const plan = [...names, ...Array.from({ length: CORRUPTIONS - names.length }, () => rng.pick(names))];
  rng.shuffle(plan).forEach((kind, i) => {
    corruptions.push({ kind, ...kinds[kind]!(targets[i]!) });
  });
  return { table, xlsxCells, corruptions };
}

/** Line (CSV, 1-based, physical) or worksheet row of each data row: a value with a line break takes two. */
function csvLines(table: string[][]): number[] {
  const lines: number[] = [];
  let line = 2;
  for (const row of table) {
    lines.push(line);
    line += 1 + row.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
  }
  return lines;
}

function csvBytes(table: string[][]): Buffer {
  // As Excel saves "CSV UTF-8": with a BOM.
  return Buffer.from(`\uFEFF${stringify([[...HEADER], ...table])}`, 'utf8');
}

async function xlsxBytes(table: string[][], cells: XlsxCells): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh bạ');
  sheet.addRow([...HEADER]);
  table.forEach((row, i) => {
    const added = sheet.addRow(row);
    for (const { column, value } of cells.get(i) ?? []) added.getCell(COL[column] + 1).value = value;
  });
  workbook.addWorksheet('Ghi chú').addRow(['Tệp sinh tự động cho kiểm thử']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** "line|field" of each expected problem, sorted like the reports are compared. */
function expectedKeys(expected: Expected[], lineOf: (row: number) => number): string[] {
  return expected.map((e) => `${lineOf(e.row)}|${e.field ?? ''}`).sort();
}

function issueKeys(issues: { line: number | string; field: string | null }[]): string[] {
  return issues.map((i) => `${i.line}|${i.field ?? ''}`).sort();
}

/** Each expected problem is reported with the message of its kind. */
function expectMessages(
  issues: DirectoryIssue[],
  expected: Expected[],
  lineOf: (row: number) => number,
): void {
  for (const e of expected) {
    const found = issues.filter((i) => i.line === lineOf(e.row) && i.field === e.field);
    expect({
      line: lineOf(e.row),
      field: e.field,
      matches: found.some((i) => e.message.test(i.message)),
    }).toEqual({ line: lineOf(e.row), field: e.field, matches: true });
  }
}

describe('a 10,000-row directory file with scattered errors', () => {
  let database: TestDatabase;
  let dir: string;
  let clean: string[][];
  let bad: Corrupted;
  let csvExpected: Expected[];
  let xlsxExpected: Expected[];
  let badCsv: Buffer;
  let cleanCsv: Buffer;
  let cleanXlsx: Buffer;
  let badXlsx: Buffer;
  let lines: number[];
  const timings: Record<string, number> = {};
  const xlsxRow = (row: number) => row + 2;
  const csvLine = (row: number) => lines[row]!;

  async function counts() {
    const { prisma } = database.db;
    return {
      agencies: await prisma.agency.count(),
      contacts: await prisma.contact.count(),
      revisions: await prisma.directoryRevision.count(),
      events: await prisma.auditEvent.count(),
    };
  }
  let before: Awaited<ReturnType<typeof counts>>;

  async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      timings[label] = Math.round(performance.now() - start);
    }
  }

  beforeAll(async () => {
    const rng = new Random(SEED);
    clean = cleanTable(rng);
    bad = corrupt(rng, clean);
    csvExpected = bad.corruptions.flatMap((c) => c.csv);
    xlsxExpected = bad.corruptions.flatMap((c) => c.xlsx);
    lines = csvLines(bad.table);
    badCsv = csvBytes(bad.table);
    badXlsx = await xlsxBytes(bad.table, bad.xlsxCells);
    dir = mkdtempSync(join(tmpdir(), 'phoihop-volume-'));
    database = await freshDatabase('sqlite', 'directory_volume');
    // A directory already in force: the province's 67 agencies.
    const file = join(projectRoot, 'data/directory/dien-bien-2025.csv');
    await importDirectory(database.db, parseDirectoryCsv(readFileSync(file), file), {
      effectiveFrom: '2025-07-01',
    });
    before = await counts();
    expect(before.agencies).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    // Figures for docs/benchmarks.md (no wall-clock assertion: this machine is shared).
    const kinds: Record<string, number> = {};
    for (const c of bad?.corruptions ?? []) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
    console.log(
      `directory volume (seed ${SEED}): ${ROWS} rows, ${bad?.corruptions.length} corruptions ` +
        `${JSON.stringify(kinds)}; problems expected CSV ${csvExpected?.length}, XLSX ${xlsxExpected?.length}; ` +
        `timings (ms) ${JSON.stringify(timings)}`,
    );
  });

  it('generates a valid file when nothing is corrupted (so every refusal below is the injected errors)', async () => {
    cleanCsv = csvBytes(clean);
    expect(cleanCsv.length).toBeLessThan(5 * 1024 * 1024); // within the dashboard's upload limit
    cleanXlsx = await xlsxBytes(clean, new Map());
    const fromCsv = await timed('parse clean CSV', () => parseDirectoryFile(cleanCsv, 'danh-ba-10k.csv'));
    expect(fromCsv).toHaveLength(ROWS);
    expect(fromCsv[ROWS - 1]!.source.line).toBe(ROWS + 1);
    const fromXlsx = await timed('parse clean XLSX', () => parseDirectoryFile(cleanXlsx, 'danh-ba-10k.xlsx'));
    expect(fromXlsx.map((r) => ({ ...r, source: null }))).toEqual(
      fromCsv.map((r) => ({ ...r, source: null })),
    );
  });

  it('previews the valid 10,000-row file: every agency added, the old ones ending, nothing written', async () => {
    // On SQLite this needs preview.ts to look up ceased codes without one bound parameter per row:
    // SQLite takes at most 999 (Prisma's P2029 from about 997 rows, and a 500 on the dashboard).
    const preview = await timed('preview clean CSV', () =>
      previewDirectoryFile(database.db, cleanCsv, 'danh-ba-10k.csv', EFFECTIVE_FROM),
    );
    expect(preview.issues).toEqual([]);
    expect(preview.canApply).toBe(true);
    expect(preview.added).toHaveLength(ROWS);
    expect(preview.removed).toHaveLength(before.agencies);
    const fromXlsx = await timed('preview clean XLSX', () =>
      previewDirectoryFile(database.db, cleanXlsx, 'danh-ba-10k.xlsx', EFFECTIVE_FROM),
    );
    expect(fromXlsx.issues).toEqual([]);
    expect(fromXlsx.contentHash).toBe(preview.contentHash);
    expect(await counts()).toEqual(before);
  });

  it('injects every kind of problem, at scattered rows', () => {
    const kinds = new Set(bad.corruptions.map((c) => c.kind));
    expect(kinds.size).toBe(21);
    expect(bad.corruptions).toHaveLength(CORRUPTIONS);
    const rows = bad.corruptions.flatMap((c) => c.rows);
    expect(new Set(rows).size).toBe(rows.length);
    expect(Math.min(...rows)).toBeLessThan(ROWS / 4);
    expect(Math.max(...rows)).toBeGreaterThan((ROWS * 3) / 4);
    expect(csvExpected.length).toBeGreaterThanOrEqual(30);
    expect(xlsxExpected.length).toBeGreaterThanOrEqual(30);
  });

  it('the CSV preview refuses it, naming every problem by line and column, and writes nothing', async () => {
    const preview = await timed('preview bad CSV', () =>
      previewDirectoryFile(database.db, badCsv, 'danh-ba-10k-loi.csv', EFFECTIVE_FROM),
    );
    expect(preview.canApply).toBe(false);
    expect(preview.contentHash).toBeNull();
    expect(issueKeys(preview.issues)).toEqual(expectedKeys(csvExpected, csvLine));
    expectMessages(preview.issues, csvExpected, csvLine);
    expect(preview.issues.every((i) => i.file === 'danh-ba-10k-loi.csv')).toBe(true);
    expect(preview.added).toEqual([]);
    expect(preview.changed).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('the XLSX preview refuses it, naming every problem by worksheet row and column, and writes nothing', async () => {
    const preview = await timed('preview bad XLSX', () =>
      previewDirectoryFile(database.db, badXlsx, 'danh-ba-10k-loi.xlsx', EFFECTIVE_FROM),
    );
    expect(preview.canApply).toBe(false);
    expect(issueKeys(preview.issues)).toEqual(expectedKeys(xlsxExpected, xlsxRow));
    expectMessages(preview.issues, xlsxExpected, xlsxRow);
    expect(await counts()).toEqual(before);
  });

  it('the import refuses both files with every problem, importing nothing', async () => {
    for (const [name, bytes, expected, lineOf] of [
      ['danh-ba-10k-loi.csv', badCsv, csvExpected, csvLine],
      ['danh-ba-10k-loi.xlsx', badXlsx, xlsxExpected, xlsxRow],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const error = await timed(`import ${name}`, () =>
        importDirectoryFile(database.db, path, EFFECTIVE_FROM, 'coordinator:test').then(
          () => undefined,
          (err: unknown) => err,
        ),
      );
      expect(error).toBeInstanceOf(DirectoryError);
      const issues = (error as DirectoryError).issues;
      expect(issueKeys(issues)).toEqual(expectedKeys(expected, lineOf));
      expectMessages(issues, expected, lineOf);
      expect((error as DirectoryError).message).toContain(
        `${expected.length} problems (nothing was changed)`,
      );
      expect(await counts()).toEqual(before);
    }
  });

  it('`phoihop directory import` exits 1, listing every problem, importing nothing', async () => {
    const path = join(dir, 'danh-ba-10k-cli.csv');
    writeFileSync(path, badCsv);
    const run = await timed('CLI import bad CSV', () =>
      runPhoihop(['directory', 'import', path, '--effective-from', EFFECTIVE_FROM], {
        DATABASE_URL: database.url,
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${csvExpected.length} problems (nothing was changed)`);
    const listed = run.stderr
      .split('\n')
      .filter((line) => line.startsWith(`  ${path}:`))
      .map((line) => {
        const m = /^:(\d+)(?: \[([^\]]+)\])?/.exec(line.slice(2 + path.length));
        return { line: Number(m?.[1]), field: m?.[2] ?? null };
      });
    expect(issueKeys(listed)).toEqual(expectedKeys(csvExpected, csvLine));
    expect(await counts()).toEqual(before);
  });

  describe('through the dashboard’s import preview (HTTP)', () => {
    let app: FastifyInstance;
    let huong: Browser;
    const files = testFiles();

    beforeAll(async () => {
      app = buildWebServer({ db: database.db, links: TEST_LINKS, files, now: () => NOW });
      huong = await loggedIn(await listening(app), database.db, USERS.coordinator);
      before = await counts(); // the login wrote its audit rows
    });
    afterAll(async () => {
      await app?.close();
      files.remove();
    });

    it('previews the valid 10,000-row file (200, the apply button), applying nothing', async () => {
      const _csrf = Browser.csrfOf(await huong.html('/quan-ly/danh-ba/nhap'));
      const res = await timed('HTTP preview clean CSV', () =>
        huong.postMultipart(
          '/quan-ly/danh-ba/nhap',
          { _csrf, effectiveFrom: EFFECTIVE_FROM },
          { file: ['danh-ba-10k.csv', cleanCsv] },
        ),
      );
      expect(res.status).toBe(200);
      const html = await res.text();
      expect([...html.matchAll(/<tr data-code="DV-\d+">/g)]).toHaveLength(ROWS - PARENTS);
      expect(html).toContain('/quan-ly/danh-ba/nhap/ap-dung');
      expect(await counts()).toEqual(before);
    });

    it('lists every problem with its line and column, offers nothing to apply, applies nothing', async () => {
      for (const [name, bytes, expected, lineOf] of [
        ['danh-ba-10k-loi.csv', badCsv, csvExpected, csvLine],
        ['danh-ba-10k-loi.xlsx', badXlsx, xlsxExpected, xlsxRow],
      ] as const) {
        const _csrf = Browser.csrfOf(await huong.html('/quan-ly/danh-ba/nhap'));
        const res = await timed(`HTTP preview ${name}`, () =>
          huong.postMultipart(
            '/quan-ly/danh-ba/nhap',
            { _csrf, effectiveFrom: EFFECTIVE_FROM },
            { file: [name, bytes] },
          ),
        );
        expect(res.status).toBe(422);
        const html = await res.text();
        expect(html).toContain(`Tệp có ${expected.length} lỗi. Không có gì được áp dụng.`);
        const rows = [...html.matchAll(/<tr data-line="([^"]*)" data-field="([^"]*)">/g)].map((m) => ({
          line: m[1]!,
          field: m[2]! || null,
        }));
        expect(issueKeys(rows)).toEqual(expectedKeys(expected, lineOf));
        expect(html).not.toContain('/quan-ly/danh-ba/nhap/ap-dung');
        expect(await counts()).toEqual(before);
      }
    });
  });
});

describe('a 10,000-row directory file with bytes that are not UTF-8 at scattered lines', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'directory_volume_encoding');
  });
  afterAll(async () => database?.drop());

  it('names every such line, and imports nothing', async () => {
    const rng = new Random(SEED + 1);
    const table = cleanTable(rng);
    const rows = rng.distinct(16, 0, ROWS - 1).sort((a, b) => a - b);
    const invalid = new Set(rows.slice(0, 10));
    const text = stringify([[...HEADER], ...table]).split('\n');
    const parts: Buffer[] = [];
    text.forEach((line, index) => {
      const row = index - 1;
      if (rows.includes(row) && invalid.has(row)) {
        // A stray byte of another encoding (0xFF is never UTF-8; 0xC3 0x28 is a broken sequence).
        const at = rng.int(0, line.length);
        parts.push(
          Buffer.from(line.slice(0, at), 'utf8'),
          rng.chance(0.5) ? Buffer.from([0xff]) : Buffer.from([0xc3, 0x28]),
          Buffer.from(`${line.slice(at)}\n`, 'utf8'),
        );
      } else if (rows.includes(row)) {
        // UTF-8 that was read as Windows-1252 and saved again ("Ủy ban" → "á»¦y ban").
        const misread = new TextDecoder('windows-1252').decode(Buffer.from(line, 'utf8'));
        parts.push(Buffer.from(`${misread}\n`, 'utf8'));
      } else if (index < text.length - 1 || line) {
        parts.push(Buffer.from(`${line}${index < text.length - 1 ? '\n' : ''}`, 'utf8'));
      }
    });
    const preview = await previewDirectoryFile(
      database.db,
      Buffer.concat(parts),
      'danh-ba.csv',
      '2026-01-01',
    );
    expect(preview.canApply).toBe(false);
    expect(preview.issues.map((i) => [i.line, i.field])).toEqual(rows.map((r) => [r + 2, null]));
    for (const issue of preview.issues) {
      expect(issue.message).toMatch(
        invalid.has(issue.line - 2)
          ? /bytes that are not UTF-8/
          : /UTF-8 text that was opened as Windows-1252/,
      );
    }
    expect(await database.db.prisma.agency.count()).toBe(0);
    expect(await database.db.prisma.directoryRevision.count()).toBe(0);
  });
});
