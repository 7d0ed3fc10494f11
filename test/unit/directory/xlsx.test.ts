import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { parseDirectoryCsv } from '../../../src/directory/csv';
import { DirectoryError, type DirectoryIssue } from '../../../src/directory/types';
import { directoryFileFormat, parseDirectoryFile, parseDirectoryXlsx } from '../../../src/directory/xlsx';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'directory-small.csv');
const csvBytes = readFileSync(FIXTURE);
const table = parse(csvBytes.toString('utf8')) as string[][];

/** A workbook as Excel users make them: the CSV's table on the first sheet, emails as mailto links. */
async function workbookOf(rows: (string | number | Date | null)[][], options: { links?: boolean } = {}) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh bạ');
  const header = rows[0] as string[];
  for (const row of rows) sheet.addRow(row);
  if (options.links) {
    header.forEach((column, index) => {
      if (!column.endsWith('_email')) return;
      sheet.getColumn(index + 1).eachCell((cell, rowNumber) => {
        if (rowNumber > 1 && typeof cell.value === 'string' && cell.value) {
          cell.value = { text: cell.value, hyperlink: `mailto:${cell.value}` };
        }
      });
    });
  }
  workbook.addWorksheet('Ghi chú').addRow(['not read']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function issuesOf(bytes: Uint8Array, file = 'danh-ba.xlsx'): Promise<DirectoryIssue[]> {
  try {
    await parseDirectoryFile(bytes, file);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryError);
    return (error as DirectoryError).issues;
  }
  throw new Error('expected the file to be rejected');
}

describe('directory workbooks (.xlsx)', () => {
  it('read to the same rows as the CSV they were made from, with Vietnamese text intact', async () => {
    const bytes = await workbookOf(table, { links: true });
    const fromXlsx = await parseDirectoryXlsx(bytes, 'danh-ba.xlsx');
    const fromCsv = parseDirectoryCsv(csvBytes, 'danh-ba.xlsx');
    expect(fromXlsx).toEqual(fromCsv);
    expect(fromXlsx).toHaveLength(4);
    expect(fromXlsx.find((r) => r.code === 'SO-VHTTDL')).toMatchObject({
      name: 'Sở Văn hóa, Thể thao và Du lịch',
      contacts: { focal_point: { name: 'Sình Thị Pà', email: 'pa.st@sovhttdl.dienbien.example' } },
      source: { file: 'danh-ba.xlsx', line: 3 },
    });
  });

  it('are told apart from CSV by content, whatever their name', async () => {
    const bytes = await workbookOf(table);
    expect(directoryFileFormat(bytes, 'export.csv')).toBe('xlsx');
    expect(directoryFileFormat(csvBytes, 'danh-ba.csv')).toBe('csv');
    expect(directoryFileFormat(csvBytes, 'danh-ba.xlsx')).toBe('xlsx');
    expect((await parseDirectoryFile(bytes, 'export.csv')).map((r) => r.code)).toEqual([
      'SO-TP',
      'SO-VHTTDL',
      'SO-YT',
      'UBND-P-DIENBIENPHU',
    ]);
    expect(await parseDirectoryFile(csvBytes, 'danh-ba.csv')).toEqual(
      parseDirectoryCsv(csvBytes, 'danh-ba.csv'),
    );
  });

  it('report every bad row with its worksheet row number and column, like the CSV', async () => {
    const rows = table.map((r) => [...r]);
    (rows[2] as string[])[6] = 'khong-phai-email'; // row 3: focal_point_email
    (rows[4] as string[])[3] = 'ministry'; // row 5: group
    const issues = await issuesOf(await workbookOf(rows));
    expect(issues.map((i) => [i.file, i.line, i.field, i.code, i.message])).toEqual([
      [
        'danh-ba.xlsx',
        3,
        'focal_point_email',
        'SO-VHTTDL',
        '"khong-phai-email" is not a valid email address',
      ],
      ['danh-ba.xlsx', 5, 'group', 'UBND-P-DIENBIENPHU', expect.stringMatching(/^unknown group "ministry"/)],
    ]);
  });

  it('report a wrong header, dates in cells and values outside the table', async () => {
    const header = [...(table[0] as string[])];
    header[1] = 'ten';
    expect(
      (await issuesOf(await workbookOf([header, ...table.slice(1)]))).map((i) => [i.line, i.field]),
    ).toEqual([
      [1, 'ten'],
      [1, 'name'],
    ]);
    const rows: (string | Date)[][] = table.map((r) => [...r]);
    (rows[1] as (string | Date)[])[9] = new Date('2025-07-01T00:00:00Z');
    (rows[3] as (string | Date)[])[12] = 'lạc cột';
    const issues = await issuesOf(await workbookOf(rows));
    expect(issues.map((i) => [i.line, i.message])).toEqual([
      [2, 'cell J2: the cell holds a date; directory cells are text: format the column as Text'],
      [2, 'missing deputy name'],
      [4, expect.stringMatching(/^cell M4 has a value but its column has no header/)],
    ]);
  });

  it('report phone numbers stored as numbers (their leading zero is lost), and accept them as text', async () => {
    const rows: (string | number)[][] = table.map((r) => [...r]);
    (rows[0] as string[]).push('focal_point_phone');
    rows.slice(1).forEach((r, i) => r.push(i === 1 ? 2153825001 : '0215 3825 001'));
    const issues = await issuesOf(await workbookOf(rows));
    expect(issues.map((i) => [i.line, i.field, i.message])).toEqual([
      [
        3,
        'focal_point_phone',
        expect.stringMatching(/^cell L3 holds the number 2153825001, so Excel has dropped/),
      ],
    ]);
    (rows[2] as (string | number)[])[11] = '0215 3825 001';
    const parsed = await parseDirectoryFile(await workbookOf(rows), 'danh-ba.xlsx');
    expect(parsed.map((r) => r.contacts.focal_point.phone)).toEqual(Array(4).fill('0215 3825 001'));
  });

  it('refuse files that are not workbooks, clearly', async () => {
    const [notZip] = await issuesOf(csvBytes, 'danh-ba.xlsx');
    expect(notZip?.message).toMatch(/^not an Excel workbook .*"Excel Workbook \(\*\.xlsx\)"/);
    // A ZIP archive that is not a workbook (an empty archive: just the end-of-central-directory record
    // after a local header signature).
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40)]);
    const [badZip] = await issuesOf(zip, 'danh-ba.xlsx');
    expect(badZip?.message).toMatch(/ZIP archive but not a readable Excel workbook/);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect((await issuesOf(xls, 'danh-ba.xls'))[0]?.message).toMatch(/Excel 97-2003 \(\.xls\)/);
    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('Trống');
    expect((await issuesOf(Buffer.from(await empty.xlsx.writeBuffer())))[0]?.message).toMatch(
      /the file is empty/,
    );
  });
});
