// Reads a directory workbook (.xlsx) into DirectoryRows: the first worksheet holds the same table as the
// CSV format (csv.ts: same header names, one agency per row), so validation and import are shared.
// Problems are reported like the CSV's, with the worksheet row number (as Excel shows it) as the line.
// This runs inside the bounded worker of xlsx.ts (readDirectoryWorkbook is its entry): the work is
// proportional to the cells the file has, and a sheet wider or longer than a directory is refused before
// its cells are read (a cell at column XFD must not make every row 16,384 cells long).
import ExcelJS from 'exceljs';
import { directoryRowsFromTable, type TableLine } from './csv';
import { DirectoryError, type DirectoryIssue, type DirectoryRow } from './types';

/** Columns a directory table may span (it has 14; a cell beyond is a stray, and refused). */
export const MAX_DIRECTORY_COLUMNS = 64;
/** Rows a directory worksheet may have (a province has hundreds of agencies; the volume test 10,000). */
export const MAX_DIRECTORY_ROWS = 50_000;

export function fileIssue(
  file: string,
  message: string,
  line = 0,
  field: string | null = null,
): DirectoryIssue {
  return { file, line, field, code: null, message };
}

/** The text of a cell as a person sees it; a problem when the cell holds something that is not text. */
function cellText(cell: ExcelJS.Cell): { text: string } | { problem: string } {
  const value = cell.value;
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: String(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) {
    return { problem: 'the cell holds a date; directory cells are text: format the column as Text' };
  }
  if (typeof value === 'object') {
    if ('error' in value) return { problem: `the cell holds the error ${String(value.error)}` };
    if ('richText' in value) return { text: value.richText.map((part) => part.text).join('') };
    if ('hyperlink' in value) {
      // Excel turns typed email addresses into mailto: links; the shown text is the address.
      const text = (value as { text?: unknown }).text;
      if (typeof text === 'string') return { text };
      if (text && typeof text === 'object' && 'richText' in text) {
        return { text: (text as ExcelJS.CellRichTextValue).richText.map((p) => p.text).join('') };
      }
      return { text: String(value.hyperlink).replace(/^mailto:/i, '') };
    }
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as ExcelJS.CellFormulaValue).result;
      if (result === undefined || result === null) {
        return { problem: 'the cell holds a formula without a saved value: paste it as a value' };
      }
      if (typeof result === 'string' || typeof result === 'number') return { text: String(result) };
      return { problem: 'the cell holds a formula whose value is not text: paste it as a value' };
    }
  }
  return { text: cell.text };
}

/** What the worker answers: the rows, or every problem found. Plain data (it crosses threads). */
export type WorkbookReading = { rows: DirectoryRow[] } | { issues: DirectoryIssue[] };

/** Reads a workbook (known to be a ZIP archive within the archive limits); never throws. */
export async function readDirectoryWorkbook(bytes: Uint8Array, fileName: string): Promise<WorkbookReading> {
  try {
    return { rows: await parseWorkbook(bytes, fileName) };
  } catch (error) {
    if (error instanceof DirectoryError) return { issues: error.issues };
    return { issues: [fileIssue(fileName, `the workbook could not be read (${(error as Error).message})`)] };
  }
}

async function parseWorkbook(bytes: Uint8Array, fileName: string): Promise<DirectoryRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch (error) {
    throw new DirectoryError([
      fileIssue(
        fileName,
        `the file is a ZIP archive but not a readable Excel workbook (${(error as Error).message}): ` +
          'open it in Excel and save it again as "Excel Workbook (*.xlsx)"',
      ),
    ]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    throw new DirectoryError([fileIssue(fileName, 'the workbook has no worksheet')]);
  }
  // rowCount and a row's cellCount are the last row and column used (a cell or its formatting): read
  // without visiting cells, so the extent is checked before any cell is.
  if (sheet.rowCount > MAX_DIRECTORY_ROWS) {
    throw new DirectoryError([
      fileIssue(
        fileName,
        `the worksheet reaches row ${sheet.rowCount}, more than the ${MAX_DIRECTORY_ROWS} rows a directory ` +
          'can have: delete the rows after the table (a value or formatting far below it) and save again',
      ),
    ]);
  }
  let wide: { line: number; address: string } | undefined;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (!wide && row.cellCount > MAX_DIRECTORY_COLUMNS) {
      wide = { line: rowNumber, address: row.getCell(row.cellCount).address };
    }
  });
  if (wide) {
    throw new DirectoryError([
      fileIssue(
        fileName,
        `cell ${wide.address} lies beyond column ${MAX_DIRECTORY_COLUMNS}, far outside the directory's ` +
          'table: delete the columns after the table (a value or formatting far to the right) and save again',
        wide.line,
      ),
    ]);
  }

  const issues: DirectoryIssue[] = [];
  const lines: TableLine[] = [];
  /** Cells holding numbers, by row: a phone number typed as a number has lost its leading zero. */
  const numbers: { line: number; index: number; address: string; value: number }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) {
      const cell = row.getCell(column);
      if (typeof cell.value === 'number') {
        numbers.push({ line: rowNumber, index: column - 1, address: cell.address, value: cell.value });
      }
      const read = cellText(cell);
      if ('problem' in read) {
        issues.push(fileIssue(`${fileName}`, `cell ${cell.address}: ${read.problem}`, rowNumber));
        cells.push('');
      } else {
        cells.push(read.text);
      }
    }
    if (cells.every((cell) => cell.trim() === '')) return; // a row with only formatting
    lines.push({ cells, line: rowNumber });
  });
  const [header, ...body] = lines;
  if (header) {
    // Trailing empty header cells are formatting, not columns; cells beyond the header must be empty.
    while (header.cells.length > 0 && (header.cells.at(-1) as string).trim() === '') header.cells.pop();
    const width = header.cells.length;
    for (const line of body) {
      const extra = line.cells.slice(width).findIndex((cell) => cell.trim() !== '');
      if (extra >= 0) {
        const address = sheet.getRow(line.line).getCell(width + extra + 1).address;
        issues.push(
          fileIssue(
            fileName,
            `cell ${address} has a value but its column has no header: delete it, or add the column name in row ${header.line}`,
            line.line,
          ),
        );
      }
      line.cells = Array.from({ length: width }, (_, i) => line.cells[i] ?? '');
    }
    for (const number of numbers) {
      const column = (header.cells[number.index] ?? '').trim().toLowerCase();
      if (number.line === header.line || !column.endsWith('_phone')) continue;
      issues.push(
        fileIssue(
          fileName,
          `cell ${number.address} holds the number ${number.value}, so Excel has dropped any leading zero of ` +
            'the phone number: format the column as Text and type the number again',
          number.line,
          column,
        ),
      );
    }
  }
  if (issues.length > 0) {
    // Report the cell problems together with the rows' own problems, when the table can be read.
    let more: DirectoryIssue[] = [];
    try {
      directoryRowsFromTable(fileName, header, body);
    } catch (error) {
      if (error instanceof DirectoryError) more = error.issues;
      else throw error;
    }
    throw new DirectoryError([...issues, ...more].sort((a, b) => a.line - b.line));
  }
  return directoryRowsFromTable(fileName, header, body);
}
