// Writes a table as CSV (UTF-8 with a BOM, so Excel shows Vietnamese text correctly) or XLSX (header row
// bold and frozen, column widths, dates as real dates, numbers as numbers). Text never becomes a formula:
// CSV cells that would start one are prefixed with a quote, XLSX cells are strings. Pure apart from the
// writers.
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';

/** Asia/Ho_Chi_Minh is UTC+7 all year. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

export type ColumnType = 'text' | 'date' | 'datetime' | 'integer' | 'number' | 'boolean';

export interface Column {
  header: string;
  type: ColumnType;
  /** Width in characters (XLSX). */
  width: number;
}

/**
 * A cell: text; a civil date 'YYYY-MM-DD' (type date); an instant (type datetime, shown in Vietnam
 * time); a number; a boolean; or null (empty).
 */
export type CellValue = string | number | boolean | Date | null;

export interface Table {
  /** Worksheet name (at most 31 characters, none of : \ / ? * [ ]). */
  sheet: string;
  columns: Column[];
  rows: CellValue[][];
}

export interface TableWords {
  yes: string;
  no: string;
}

/** "dd/mm/yyyy" of a civil date. */
function formatDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** "dd/mm/yyyy hh:mm" of an instant, in Vietnam time. */
export function formatDateTime(instant: Date): string {
  const local = new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${formatDate(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

function textOf(value: CellValue, column: Column, words: TableWords): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (value instanceof Date)
    return column.type === 'date' ? formatDate(value.toISOString().slice(0, 10)) : formatDateTime(value);
  if (typeof value === 'string' && column.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return formatDate(value);
  return String(value);
}

/** What a spreadsheet program reads as the start of a formula (or a DDE command) in a CSV cell. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text as a CSV cell that no spreadsheet program runs (the OWASP CSV-injection rule): text beginning with
 * =, +, -, @, a tab or a carriage return gets a leading single quote, which Excel and LibreOffice show as
 * text ("=HYPERLINK(…)" stays those characters). Only text is changed: a number the table holds as a number
 * (-3) is written as it is, so that it stays a number when the file is opened.
 */
export function csvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvCell(value: CellValue, column: Column, words: TableWords): string {
  const text = textOf(value, column, words);
  return typeof value === 'string' ? csvText(text) : text;
}

/**
 * CSV: UTF-8 with a BOM, comma-separated, CRLF line ends (what Excel opens without asking); text that a
 * spreadsheet would read as a formula is prefixed (csvText).
 */
export function tableToCsv(table: Table, words: TableWords): Buffer {
  const records = [
    table.columns.map((c) => csvText(c.header)),
    ...table.rows.map((row) => table.columns.map((column, i) => csvCell(row[i] ?? null, column, words))),
  ];
  return Buffer.from(stringify(records, { bom: true, record_delimiter: 'windows' }), 'utf8');
}

/**
 * A value as an Excel cell: a date in Vietnam wall time (Excel dates carry no zone), a number, text. Text is
 * always a string cell (exceljs writes a formula only from a `{ formula }` object, never from a string), so
 * "=HYPERLINK(…)" typed by an agency is shown, not run; a number stays a number, negative or not.
 */
function excelValue(value: CellValue, column: Column, words: TableWords): ExcelJS.CellValue {
  if (value === null) return null;
  if (column.type === 'date') {
    const day = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00.000Z`) : day;
  }
  if (column.type === 'datetime' && value instanceof Date) {
    return new Date(value.getTime() + VIETNAM_OFFSET_MS);
  }
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  return value;
}

const NUMBER_FORMATS: Partial<Record<ColumnType, string>> = {
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
  integer: '0',
};

/** Worksheet names: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
}

/** Adds a table as a worksheet: bold frozen header, widths, typed cells, an autofilter. */
export function addTableSheet(
  workbook: ExcelJS.Workbook,
  table: Table,
  words: TableWords,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(sheetName(table.sheet), {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
  });
  sheet.columns = table.columns.map((column) => ({
    header: column.header,
    width: column.width,
    style: NUMBER_FORMATS[column.type] ? { numFmt: NUMBER_FORMATS[column.type] } : {},
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'top', wrapText: true };
  for (const row of table.rows) {
    sheet.addRow(table.columns.map((column, i) => excelValue(row[i] ?? null, column, words)));
  }
  if (table.columns.length > 0) {
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  return sheet;
}

/** XLSX: the tables as worksheets, in order. */
export async function tablesToXlsx(tables: Table[], words: TableWords): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'phoihop';
  workbook.created = new Date();
  for (const table of tables) addTableSheet(workbook, table, words);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
