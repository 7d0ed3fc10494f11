// Parses a directory CSV file into DirectoryRows, reporting every problem with its line and column.
// Only parsing lives here; applying rows to the database is import.ts (an XLSX parser can produce the
// same rows later).
import { parse } from 'csv-parse/sync';
import {
  CONTACT_ROLES,
  DirectoryError,
  type DirectoryContact,
  type DirectoryIssue,
  type DirectoryRow,
} from './types';
import { validateDirectoryRows } from './validate';

export const REQUIRED_COLUMNS = [
  'code',
  'name',
  'group',
  'focal_point_name',
  'focal_point_email',
  'head_name',
  'head_email',
] as const;

export const OPTIONAL_COLUMNS = [
  'name_en',
  'parent_code',
  'focal_point_phone',
  'head_phone',
  'deputy_name',
  'deputy_email',
  'deputy_phone',
] as const;

const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** Text that was UTF-8 read as Windows-1252/Latin-1 ("Sá»Ÿ" for "Sở"). */
const MOJIBAKE = /Ã[\u0080-\u00BF]|Ä[\u0080-\u00BF]|Æ°|á»|áº/;

/** Decodes file bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM (Excel's "Unicode text"). */
export function decodeDirectoryBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // Not fatal: bytes that are not UTF-8 become U+FFFD, which the parser reports line by line.
  return new TextDecoder('utf-8').decode(bytes);
}

function encodingIssues(text: string, file: string): DirectoryIssue[] {
  const issues: DirectoryIssue[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (line.includes('\uFFFD')) {
      issues.push({
        file,
        line: index + 1,
        field: null,
        code: null,
        message:
          'the line has bytes that are not UTF-8 (the file was probably saved in another encoding, such as ' +
          'Windows-1258 or TCVN3): save it as "CSV UTF-8" and import it again',
      });
    } else if (MOJIBAKE.test(line)) {
      issues.push({
        file,
        line: index + 1,
        field: null,
        code: null,
        message:
          'the line looks like UTF-8 text that was opened as Windows-1252 (e.g. "Sá»Ÿ" for "Sở"): ' +
          're-export the original file as "CSV UTF-8"',
      });
    }
  });
  return issues;
}

function clean(value: string | undefined): string {
  return (value ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
}

function fail(issues: DirectoryIssue[]): never {
  throw new DirectoryError(issues);
}

/**
 * Parses a directory CSV (UTF-8, comma-separated, header on the first line; a BOM is fine). Throws
 * DirectoryError listing every bad row, with its line, column and what is wrong.
 */
export function parseDirectoryCsv(input: string | Uint8Array, fileName: string): DirectoryRow[] {
  const text = (typeof input === 'string' ? input : decodeDirectoryBytes(input)).replace(/^\uFEFF/, '');
  const encoding = encodingIssues(text, fileName);
  if (encoding.length > 0) fail(encoding);

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const err = error as Error & { lines?: number };
    fail([
      {
        file: fileName,
        line: err.lines ?? 0,
        field: null,
        code: null,
        message: `not valid CSV: ${err.message}`,
      },
    ]);
  }
  const [header, ...body] = records.map(({ record, info }) => {
    const newlines = record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    return { cells: record, line: info.lines - newlines };
  });
  return directoryRowsFromTable(fileName, header, body);
}

/** One line of a directory table (a CSV line, a worksheet row): its cells and 1-based line/row number. */
export interface TableLine {
  cells: string[];
  line: number;
}

/**
 * Turns a directory table (header, then one line per agency) into DirectoryRows, whatever the file
 * format: checks the header (known columns, no duplicates, every required one), each line's shape, then
 * every row (validate.ts). Throws DirectoryError listing every problem.
 */
export function directoryRowsFromTable(
  fileName: string,
  header: TableLine | undefined,
  lines: readonly TableLine[],
): DirectoryRow[] {
  if (!header || header.cells.every((cell) => cell.trim() === '')) {
    fail([
      {
        file: fileName,
        line: header?.line ?? 1,
        field: null,
        code: null,
        message: 'the file is empty: expected a header line',
      },
    ]);
  }

  // Header: known columns, no duplicates, every required one.
  const columns = header.cells.map((cell) => clean(cell).toLowerCase());
  const headerIssues: DirectoryIssue[] = [];
  const headerLine = header.line;
  if (columns.length === 1 && /[;\t]/.test(columns[0] as string)) {
    headerIssues.push({
      file: fileName,
      line: headerLine,
      field: null,
      code: null,
      message: 'the header has a single column: the file must be comma-separated (not semicolons or tabs)',
    });
  } else {
    columns.forEach((column, index) => {
      if (!KNOWN_COLUMNS.includes(column)) {
        headerIssues.push({
          file: fileName,
          line: headerLine,
          field: column || `column ${index + 1}`,
          code: null,
          message: `unknown column "${column}"; expected columns: ${KNOWN_COLUMNS.join(', ')}`,
        });
      } else if (columns.indexOf(column) !== index) {
        headerIssues.push({
          file: fileName,
          line: headerLine,
          field: column,
          code: null,
          message: `duplicate column "${column}"`,
        });
      }
    });
    for (const required of REQUIRED_COLUMNS) {
      if (!columns.includes(required)) {
        headerIssues.push({
          file: fileName,
          line: headerLine,
          field: required,
          code: null,
          message: `missing column "${required}" (required columns: ${REQUIRED_COLUMNS.join(', ')})`,
        });
      }
    }
  }
  if (headerIssues.length > 0) fail(headerIssues);

  const rowIssues: DirectoryIssue[] = [];
  const rows: DirectoryRow[] = [];
  for (const { cells: record, line } of lines) {
    const get = (column: string) => clean(record[columns.indexOf(column)]);
    if (record.length !== columns.length) {
      rowIssues.push({
        file: fileName,
        line,
        field: null,
        code: get('code') || null,
        message: `the row has ${record.length} fields but the header has ${columns.length} columns (check for a missing or extra comma, or quote values that contain commas)`,
      });
      continue;
    }
    record.forEach((cell, index) => {
      if (/[\r\n]/.test(cell)) {
        rowIssues.push({
          file: fileName,
          line,
          field: columns[index] as string,
          code: get('code') || null,
          message: 'the value contains a line break',
        });
      }
    });
    const contact = (role: string): DirectoryContact => ({
      name: get(`${role}_name`),
      email: get(`${role}_email`).toLowerCase(),
      phone: get(`${role}_phone`) || null,
    });
    const deputy = contact('deputy');
    rows.push({
      code: get('code').toUpperCase(),
      name: get('name'),
      nameEn: get('name_en') || null,
      group: get('group'),
      parentCode: get('parent_code').toUpperCase() || null,
      contacts: {
        focal_point: contact(CONTACT_ROLES[0]),
        head: contact(CONTACT_ROLES[1]),
        deputy: deputy.name || deputy.email || deputy.phone ? deputy : null,
      },
      source: { file: fileName, line },
    });
  }
  const issues = [...rowIssues, ...validateDirectoryRows(rows)].sort((a, b) => a.line - b.line);
  if (issues.length > 0) fail(issues);
  return rows;
}
