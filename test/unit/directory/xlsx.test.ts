import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { parseDirectoryCsv } from '../../../src/directory/csv';
import { DirectoryError, type DirectoryIssue } from '../../../src/directory/types';
import { directoryFileFormat, parseDirectoryFile, parseDirectoryXlsx } from '../../../src/directory/xlsx';
import { zip } from '../../support/fuzz-http';

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

describe('directory workbooks that would take the server down', () => {
  /** The review's workbook: the directory's header, then 800 rows with one cell each, at column XFD. */
  async function xfdWorkbook(): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh bạ');
    sheet.addRow(table[0] as string[]);
    for (let row = 2; row <= 801; row++) sheet.getRow(row).getCell(16_384).value = 'x';
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('refuse a workbook with a cell at column XFD quickly, with one clear message', async () => {
    const bytes = await xfdWorkbook();
    expect(bytes.length).toBeLessThan(20_000);
    const started = Date.now();
    const issues = await issuesOf(bytes);
    // Reading every row 16,384 cells wide took 26 s and 3.4 GB; the extent is checked before any cell.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(issues).toEqual([
      {
        file: 'danh-ba.xlsx',
        line: 2,
        field: null,
        code: null,
        message: expect.stringMatching(/^cell XFD2 lies beyond column 64, far outside the directory's table/),
      },
    ]);
  });

  it('refuse a worksheet far longer than a directory', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh bạ');
    for (const row of table) sheet.addRow(row);
    sheet.getRow(1_048_576).getCell(1).value = 'x';
    const issues = await issuesOf(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^the worksheet reaches row 1048576, more than the 50000 rows/),
    ]);
  });

  it('refuse a ZIP bomb and an archive of too many entries from the central directory alone', async () => {
    // 20 MB of one byte deflate to about 20 KB: a ratio of about 1,000.
    const bomb = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x20), deflate: true },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    expect((await issuesOf(bomb)).map((i) => i.message)).toEqual([
      expect.stringMatching(/^the workbook's part xl\/worksheets\/sheet1\.xml is compressed \d+ times/),
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Parts that claim to unpack to more than a directory workbook can (each within the ratio).
    const large = zip(
      Array.from({ length: 3 }, (_, i) => ({
        name: `xl/media/image${i}.bin`,
        data: randomBytes(400 * 1024),
        deflate: true,
        claimedSize: 30 * 1024 * 1024,
      })),
    );
    expect((await issuesOf(large)).map((i) => i.message)).toEqual([
      expect.stringMatching(/^the workbook unpacks to more than 64 MB/),
    ]);
    const many = zip(
      Array.from({ length: 501 }, (_, i) => ({ name: `x/${i}.xml`, data: Buffer.from('<x/>') })),
    );
    expect((await issuesOf(many)).map((i) => i.message)).toEqual([
      expect.stringMatching(/^the workbook's archive has 501 entries, more than the 500/),
    ]);
  });

  it('read a workbook off the event loop, within a time limit', async () => {
    // 3,000 agencies: a workbook whose reading takes seconds of CPU.
    const [header, first] = table as [string[], string[]];
    const rows = [
      header,
      ...Array.from({ length: 3_000 }, (_, i) => first.map((c, j) => (j === 0 ? `DV-${i}` : c))),
    ];
    const bytes = await workbookOf(rows);
    // A timer that should fire every 10 ms: the longest gap is how long the event loop was blocked.
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    const parsed = await parseDirectoryXlsx(bytes, 'danh-ba.xlsx');
    const took = performance.now() - started;
    clearInterval(tick);
    expect(parsed).toHaveLength(3_000);
    expect(longest).toBeLessThan(Math.max(250, took / 4));
    const refused = await parseDirectoryXlsx(bytes, 'danh-ba.xlsx', { heapMb: 512, timeoutMs: 50 }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DirectoryError);
    expect((refused as DirectoryError).issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^the workbook could not be read within 0\.05 seconds: save the table alone/),
    ]);
  });
});
