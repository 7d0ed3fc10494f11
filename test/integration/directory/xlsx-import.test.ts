import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { importDirectoryFile } from '../../../src/directory/import-file';
import { directorySnapshot } from '../../../src/directory/snapshot';
import { DirectoryError } from '../../../src/directory/types';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'directory-small.csv');

describe.each(providers)('importing a directory workbook on %s', (provider) => {
  let fromCsv: TestDatabase;
  let fromXlsx: TestDatabase;
  let dir: string;
  let xlsxFile: string;

  beforeAll(async () => {
    fromCsv = await freshDatabase(provider, `directory_xlsx_csv_${provider}`);
    fromXlsx = await freshDatabase(provider, `directory_xlsx_xlsx_${provider}`);
    dir = mkdtempSync(path.join(tmpdir(), 'phoihop-xlsx-'));
    // The fixture as an Excel user would keep it: one worksheet, emails turned into mailto links.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh bạ đơn vị');
    for (const row of parse(readFileSync(FIXTURE, 'utf8')) as string[][]) {
      sheet.addRow(
        row.map((cell) =>
          /^[^@\s]+@[^@\s]+$/.test(cell) ? { text: cell, hyperlink: `mailto:${cell}` } : cell,
        ),
      );
    }
    xlsxFile = path.join(dir, 'danh-ba.xlsx');
    await workbook.xlsx.writeFile(xlsxFile);
  });
  afterAll(async () => {
    await fromCsv?.drop();
    await fromXlsx?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports to the same directory as the CSV it was made from', async () => {
    const a = await importDirectoryFile(fromCsv.db, FIXTURE, '2025-07-01', 'coordinator:test');
    const b = await importDirectoryFile(fromXlsx.db, xlsxFile, '2025-07-01', 'coordinator:test');
    expect(b).toEqual({ ...a, revisionId: b.revisionId });
    expect(b.created).toEqual(['SO-TP', 'SO-VHTTDL', 'SO-YT', 'UBND-P-DIENBIENPHU']);
    const snapshotA = await directorySnapshot(fromCsv.db, '2025-07-01');
    const snapshotB = await directorySnapshot(fromXlsx.db, '2025-07-01');
    expect(snapshotB.agencies).toEqual(snapshotA.agencies);
    expect(snapshotB.revision?.contentHash).toBe(snapshotA.revision?.contentHash);
    expect(snapshotB.agencies.find((x) => x.code === 'UBND-P-DIENBIENPHU')?.name).toBe(
      'Ủy ban nhân dân phường Điện Biên Phủ',
    );
    // The same content again, now as CSV: nothing to do.
    expect((await importDirectoryFile(fromXlsx.db, FIXTURE, '2025-08-01', 'coordinator:test')).noop).toBe(
      true,
    );
  });

  it('refuses a .xlsx that is not a workbook, changing nothing', async () => {
    const fake = path.join(dir, 'khong-phai-excel.xlsx');
    writeFileSync(fake, readFileSync(FIXTURE));
    const before = await fromXlsx.db.prisma.directoryRevision.count();
    const error = await importDirectoryFile(fromXlsx.db, fake, '2025-09-01', 'coordinator:test').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as Error).message).toContain(`${fake}: not an Excel workbook`);
    expect((error as Error).message).toContain('nothing was changed');
    expect(await fromXlsx.db.prisma.directoryRevision.count()).toBe(before);
  });
});
