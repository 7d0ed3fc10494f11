import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { cellState } from '../../../src/reports/matrix';
import { tablesToXlsx, tableToCsv, type Table } from '../../../src/reports/tabular';

describe('cellState', () => {
  it('tells reminded and escalated apart within the latest deadline round only', () => {
    expect(cellState('requested', [])).toBe('requested');
    expect(cellState('requested', ['annual-plan:r0:request', 'annual-plan:r0:remind-5'])).toBe('reminded');
    expect(cellState('requested', ['annual-plan:r0:remind-now-1-1'])).toBe('reminded');
    // An extension started round 1: the round-0 reminder no longer counts once round 1 has emails.
    expect(cellState('requested', ['annual-plan:r0:remind-5', 'annual-plan:r1:request-extended'])).toBe(
      'requested',
    );
    expect(cellState('overdue', ['annual-plan:r0:overdue'])).toBe('overdue');
    expect(cellState('overdue', ['annual-plan:r0:escalate-head-to-leadership'])).toBe('escalated');
    expect(cellState('accepted', ['annual-plan:r0:escalate-head'])).toBe('accepted');
    expect(cellState('pending', [])).toBe('pending');
    expect(cellState('something-new', [])).toBe('pending');
  });
});

describe('table writers', () => {
  const table: Table = {
    sheet: 'Báo cáo: 6/2027 [tạm]',
    columns: [
      { header: 'Đơn vị', type: 'text', width: 30 },
      { header: 'Hạn', type: 'date', width: 12 },
      { header: 'Thời điểm nộp', type: 'datetime', width: 18 },
      { header: 'Số cuộc', type: 'integer', width: 10 },
      { header: 'Tỷ lệ (%)', type: 'number', width: 10 },
      { header: 'Nêu tên', type: 'boolean', width: 10 },
    ],
    rows: [
      ['Ủy ban nhân dân xã Mường Phăng', '2027-12-16', new Date('2027-12-15T17:30:00Z'), 7, 92.5, true],
      ['Sở Y tế, tỉnh "Điện Biên"', null, null, null, null, false],
    ],
  };
  const words = { yes: 'Có', no: 'Không' };

  it('CSV: BOM, CRLF, quoting, dd/mm/yyyy dates and Vietnam times', () => {
    const csv = tableToCsv(table, words);
    expect(csv.subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(csv.toString('utf8')).toContain('\r\n');
    expect(parse(csv, { bom: true })).toEqual([
      ['Đơn vị', 'Hạn', 'Thời điểm nộp', 'Số cuộc', 'Tỷ lệ (%)', 'Nêu tên'],
      ['Ủy ban nhân dân xã Mường Phăng', '16/12/2027', '16/12/2027 00:30', '7', '92.5', 'Có'],
      ['Sở Y tế, tỉnh "Điện Biên"', '', '', '', '', 'Không'],
    ]);
  });

  it('XLSX: a valid sheet name, typed cells', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await tablesToXlsx([table], words)) as never);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.name).toBe('Báo cáo  6 2027  tạm ');
    const row = sheet.getRow(2);
    expect(row.getCell(2).value).toEqual(new Date('2027-12-16T00:00:00Z'));
    expect(row.getCell(3).value).toEqual(new Date('2027-12-16T00:30:00Z'));
    expect(row.getCell(4).value).toBe(7);
    expect(row.getCell(4).numFmt).toBe('0');
    expect(row.getCell(5).value).toBe(92.5);
    expect(row.getCell(6).value).toBe('Có');
    expect(sheet.autoFilter).toBeDefined();
  });
});

describe('exported cells never run as formulas', () => {
  const table: Table = {
    sheet: 'Xuất',
    columns: [
      { header: '=Tên', type: 'text', width: 30 },
      { header: 'Số', type: 'number', width: 10 },
    ],
    rows: [
      ['=HYPERLINK("http://x","y")', -3],
      ['+1+2', 0],
      ['-2+3', -0.5],
      ['@SUM(A1)', 1],
      ['\tx', 2],
      ['\r=1', 3],
      ['a=1', 4],
      ['Sở Y tế', null],
    ],
  };
  const words = { yes: 'Có', no: 'Không' };

  it('CSV: text starting with = + - @ tab or CR gets a quote; numbers, negative ones too, do not', () => {
    const records = parse(tableToCsv(table, words), { bom: true }) as string[][];
    expect(records).toEqual([
      ["'=Tên", 'Số'],
      [`'=HYPERLINK("http://x","y")`, '-3'],
      ["'+1+2", '0'],
      ["'-2+3", '-0.5'],
      ["'@SUM(A1)", '1'],
      ["'\tx", '2'],
      ["'\r=1", '3'],
      ['a=1', '4'],
      ['Sở Y tế', ''],
    ]);
  });

  it('XLSX: such text is a string cell, as typed; numbers stay numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await tablesToXlsx([table], words)) as never);
    const sheet = workbook.getWorksheet('Xuất')!;
    expect(sheet.getCell('A1').value).toBe('=Tên');
    for (const [i, [text, number]] of table.rows.entries()) {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
      // XML turns a carriage return into a line feed; the text is otherwise as typed.
      expect(String(row.getCell(1).value).replace(/\r\n?/g, '\n')).toBe(String(text).replace(/\r/g, '\n'));
      if (number !== null) expect(row.getCell(2).value).toBe(number);
    }
  });
});
