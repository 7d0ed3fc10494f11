// Exports of a cycle for people to read or process in Excel: the matrix (one row per agency; per
// milestone its state, due date, submission date, lateness and flag) and the submissions list (one row
// per submission, figures as columns). CSV (UTF-8 with a BOM) or XLSX, headers in Vietnamese or English.
// The dashboard's routes call exportMatrix / exportSubmissions and send the buffer with its file name;
// its pages can show loadMatrix / loadSubmissions directly.
import type { Database } from '../db/client';
import { groupLabel, stateLabel, submissionStatusLabel, WORDS, type ReportLang } from './labels';
import { agencyName, loadMatrix, type Matrix, type MatrixFilters } from './matrix';
import { loadSubmissions, type SubmissionFilters, type SubmissionList } from './submissions';
import { formatDateTime, tablesToXlsx, tableToCsv, type CellValue, type Column, type Table } from './tabular';

export { agencyName, cellState, filterMatrix, foldText, loadMatrix, matrixCounts } from './matrix';
export type { Matrix, MatrixCell, MatrixFilters, MatrixMilestone, MatrixRow } from './matrix';
export { loadSubmissions } from './submissions';
export type { FigureColumn, SubmissionFilters, SubmissionList, SubmissionRow } from './submissions';
export { CELL_STATES, groupLabel, isCellState, stateLabel, type CellState, type ReportLang } from './labels';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportOptions {
  format: ExportFormat;
  lang: ReportLang;
  /** The export's time, written in the XLSX "About" sheet (default: now). */
  now?: Date;
}

export interface ExportFile {
  body: Buffer;
  /** Suggested download name, e.g. "ma-tran-dien-bien-kh99-2027.xlsx". */
  fileName: string;
  contentType: string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The matrix as a table: agency columns, then five columns per milestone. */
export function matrixTable(matrix: Matrix, lang: ReportLang): Table {
  const w = WORDS[lang];
  const columns: Column[] = [
    { header: w.code, type: 'text', width: 20 },
    { header: w.agency, type: 'text', width: 45 },
    { header: w.group, type: 'text', width: 28 },
  ];
  for (const milestone of matrix.milestones) {
    const title = milestone.title[lang];
    columns.push(
      { header: `${title} – ${w.state}`, type: 'text', width: 22 },
      { header: `${title} – ${w.due}`, type: 'date', width: 14 },
      { header: `${title} – ${w.submittedOn}`, type: 'datetime', width: 18 },
      { header: `${title} – ${w.lateBy}`, type: 'integer', width: 14 },
      { header: `${title} – ${w.flagged}`, type: 'boolean', width: 14 },
    );
  }
  const rows = matrix.rows.map((row) => [
    row.code,
    agencyName(row, lang),
    groupLabel(row.group, lang),
    ...row.cells.flatMap((cell): CellValue[] =>
      cell
        ? [stateLabel(cell.state, lang), cell.due, cell.submittedAt, cell.lateByWorkingDays, cell.flagged]
        : [null, null, null, null, null],
    ),
  ]);
  return { sheet: w.matrixSheet, columns, rows };
}

/** The submissions as a table: one column per figure, after the submission's own columns. */
export function submissionsTable(list: SubmissionList, lang: ReportLang): Table {
  const w = WORDS[lang];
  const columns: Column[] = [
    { header: w.receipt, type: 'text', width: 22 },
    { header: w.code, type: 'text', width: 20 },
    { header: w.agency, type: 'text', width: 40 },
    { header: w.milestone, type: 'text', width: 28 },
    { header: w.submittedAt, type: 'datetime', width: 18 },
    { header: w.submittedBy, type: 'text', width: 26 },
    { header: w.summary, type: 'text', width: 50 },
    ...list.figures.map((f): Column => ({
      header: f.unit ? `${f.label[lang]} (${f.unit[lang]})` : f.label[lang],
      type: f.type === 'integer' ? 'integer' : 'number',
      width: 18,
    })),
    { header: w.attachments, type: 'text', width: 40 },
    { header: w.status, type: 'text', width: 24 },
    { header: w.reviewNote, type: 'text', width: 40 },
  ];
  const rows = list.rows.map((row): CellValue[] => [
    row.receiptNumber,
    row.agencyCode,
    agencyName({ name: row.agencyName, nameEn: row.agencyNameEn }, lang),
    row.milestoneTitle[lang],
    row.submittedAt,
    row.submittedBy,
    row.summary,
    ...list.figures.map((f) => row.figures[f.key] ?? null),
    row.attachments.join('; '),
    submissionStatusLabel(row.status, lang),
    row.reviewNote,
  ]);
  return { sheet: w.submissionsSheet, columns, rows };
}

/** The XLSX "About" sheet: what was exported, when, with which filters. */
function aboutTable(
  cycle: { program: string; programTitle: { vi: string; en: string }; year: number },
  filters: object,
  rowCount: number,
  lang: ReportLang,
  now: Date,
): Table {
  const w = WORDS[lang];
  const given = Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return {
    sheet: w.aboutSheet,
    columns: [
      { header: w.item, type: 'text', width: 24 },
      { header: w.value, type: 'text', width: 70 },
    ],
    rows: [
      [w.program, `${cycle.programTitle[lang]} (${cycle.program})`],
      [w.year, String(cycle.year)],
      [w.exportedAt, `${formatDateTime(now)} (UTC+7)`],
      [w.filters, given.length > 0 ? given.join('; ') : w.none],
      [w.rows, String(rowCount)],
      ['', w.timeZone],
    ],
  };
}

async function write(
  table: Table,
  about: Table,
  fileStem: string,
  options: ExportOptions,
): Promise<ExportFile> {
  const words = WORDS[options.lang];
  const body =
    options.format === 'csv' ? tableToCsv(table, words) : await tablesToXlsx([table, about], words);
  return { body, fileName: `${fileStem}.${options.format}`, contentType: CONTENT_TYPES[options.format] };
}

/** The matrix of a cycle as a file; undefined when there is no such cycle. */
export async function exportMatrix(
  db: Pick<Database, 'prisma'>,
  cycleId: number,
  options: ExportOptions & { filters?: MatrixFilters },
): Promise<ExportFile | undefined> {
  const matrix = await loadMatrix(db, cycleId, options.filters, options.lang);
  if (!matrix) return undefined;
  const { cycle } = matrix;
  const about = aboutTable(
    cycle,
    options.filters ?? {},
    matrix.rows.length,
    options.lang,
    options.now ?? new Date(),
  );
  const stem = `${WORDS[options.lang].matrixFile}-${cycle.program}-${cycle.year}`;
  return write(matrixTable(matrix, options.lang), about, stem, options);
}

/** The submissions of a cycle as a file; undefined when there is no such cycle. */
export async function exportSubmissions(
  db: Pick<Database, 'prisma'>,
  cycleId: number,
  options: ExportOptions & { filters?: SubmissionFilters },
): Promise<ExportFile | undefined> {
  const list = await loadSubmissions(db, cycleId, options.filters);
  if (!list) return undefined;
  const { cycle } = list;
  const about = aboutTable(
    cycle,
    options.filters ?? {},
    list.rows.length,
    options.lang,
    options.now ?? new Date(),
  );
  const stem = `${WORDS[options.lang].submissionsFile}-${cycle.program}-${cycle.year}`;
  return write(submissionsTable(list, options.lang), about, stem, options);
}
