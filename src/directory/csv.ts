// Parses a directory CSV file into DirectoryRows, reporting every problem with its line and column.
// Only parsing lives here; applying rows to the database is import.ts (an XLSX parser can produce the
// same rows later).
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
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

/** The encodings a directory file is read in, as offices' spreadsheets save it. */
export type DirectoryEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258';

/**
 * The Vietnamese letters (with their tones) and the punctuation office software writes: what a file read
 * as Windows-1258 may hold besides ASCII. Anything else there means the file is in another encoding.
 */
const VIETNAMESE_LETTERS = 'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ';
const WINDOWS_1258_TEXT = new Set([
  ...VIETNAMESE_LETTERS,
  ...VIETNAMESE_LETTERS.toUpperCase(),
  ...'\u00A0–—‘’“”…•°«»§©®€',
]);

/** Whether bytes look like UTF-16LE without a BOM: ASCII text has a NUL after every other byte. */
function looksUtf16le(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 8) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (bytes[i] === 0) zeros++;
  return zeros >= (n / 2) * 0.6;
}

/**
 * Decodes file bytes and says how: a BOM decides (UTF-8, UTF-16LE as Excel's "Unicode text", UTF-16BE);
 * then valid UTF-8 is UTF-8 (LibreOffice, Google Sheets, Excel's "CSV UTF-8"); UTF-16LE without a BOM is
 * recognised by its NUL bytes; anything else is read as Windows-1258, the code page Excel's plain "CSV"
 * uses on Windows set to Vietnamese (iconv-lite; its tone marks are combining characters, composed here).
 */
export function decodeDirectoryText(bytes: Uint8Array): { text: string; encoding: DirectoryEncoding } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] === 0xff && b[1] === 0xfe)
    return { text: iconv.decode(b.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff)
    return { text: iconv.decode(b.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(b.subarray(3)), encoding: 'utf-8' };
  }
  const utf8 = new TextDecoder('utf-8').decode(b);
  if (looksUtf16le(b)) return { text: iconv.decode(b, 'utf-16le'), encoding: 'utf-16le' };
  // UTF-8 when its letters outnumber its broken sequences: a UTF-8 file with a few stray bytes stays UTF-8
  // (those lines are reported), while Windows-1258 text is almost never valid UTF-8 (its tone marks,
  // 0xCC 0xEC 0xD2 0xDE 0xF2, follow letters, not continuation bytes).
  let letters = 0;
  let broken = 0;
  for (const c of utf8) {
    if (c === '\uFFFD') broken++;
    else if (c > '\u007f') letters++;
  }
  if (broken === 0 || letters >= broken) return { text: utf8, encoding: 'utf-8' };
  return { text: iconv.decode(b, 'windows1258').normalize('NFC'), encoding: 'windows-1258' };
}

function encodingIssues(
  text: string,
  file: string,
  encoding: DirectoryEncoding | undefined,
): DirectoryIssue[] {
  const issues: DirectoryIssue[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (line.includes('\uFFFD')) {
      issues.push({
        file,
        line: index + 1,
        field: null,
        code: null,
        message:
          'the line has bytes that are not UTF-8 while the rest of the file is UTF-8 (the file was probably ' +
          'put together from files saved in different encodings): save it as "CSV UTF-8" and import it again',
      });
    } else if (
      encoding === 'windows-1258' &&
      [...line].some((c) => c > '\u007f' && !WINDOWS_1258_TEXT.has(c))
    ) {
      issues.push({
        file,
        line: index + 1,
        field: null,
        code: null,
        message:
          'the line is neither UTF-8 nor Vietnamese Windows-1258 text (the file was probably saved in another ' +
          'encoding, such as TCVN3 or VNI): save it as "CSV UTF-8" and import it again',
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

/** The separators spreadsheets write: a comma, a semicolon (Excel where the decimal mark is a comma), a tab. */
const SEPARATORS = [',', ';', '\t'] as const;

/** The header's separator: the one that splits the first line into the most known columns (a comma on a tie). */
export function detectSeparator(text: string): (typeof SEPARATORS)[number] {
  const first = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  let best: (typeof SEPARATORS)[number] = ',';
  let bestCount = 0;
  for (const sep of SEPARATORS) {
    const known = first
      .split(sep)
      .filter((cell) => KNOWN_COLUMNS.includes(cell.replace(/"/g, '').trim().toLowerCase())).length;
    if (known > bestCount) {
      best = sep;
      bestCount = known;
    }
  }
  return best;
}

function clean(value: string | undefined): string {
  return (value ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
}

function fail(issues: DirectoryIssue[]): never {
  throw new DirectoryError(issues);
}

/**
 * Parses a directory CSV as offices save it (header on the first line): UTF-8 with or without a BOM,
 * UTF-16 or Windows-1258 (decodeDirectoryText), separated by commas, semicolons or tabs (detectSeparator).
 * Throws DirectoryError listing every bad row, with its line, column and what is wrong.
 */
export function parseDirectoryCsv(input: string | Uint8Array, fileName: string): DirectoryRow[] {
  const decoded =
    typeof input === 'string' ? { text: input, encoding: undefined } : decodeDirectoryText(input);
  const text = decoded.text.replace(/^\uFEFF/, '');
  const encoding = encodingIssues(text, fileName, decoded.encoding);
  if (encoding.length > 0) fail(encoding);

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      delimiter: detectSeparator(text),
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
  if (columns.length === 1 && /[;\t|]/.test(columns[0] as string)) {
    headerIssues.push({
      file: fileName,
      line: headerLine,
      field: null,
      code: null,
      message:
        'the header has a single column: separate the columns with commas, semicolons or tabs ' +
        '(save the file as "CSV UTF-8")',
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
