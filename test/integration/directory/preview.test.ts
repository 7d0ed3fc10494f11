import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { importDirectory } from '../../../src/directory/import';
import { parseDirectoryCsv } from '../../../src/directory/csv';
import { editContact } from '../../../src/directory/edit-contact';
import { previewDirectoryFile, previewDirectoryImport, previewedOf } from '../../../src/directory/preview';
import { DirectoryError } from '../../../src/directory/types';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'directory-small.csv');
const table = parse(readFileSync(FIXTURE, 'utf8')) as string[][];
const header = table[0] as string[];
const col = (name: string) => header.indexOf(name);

/** The fixture with edits applied: `change(rows)` edits the rows (header excluded) in place. */
function csvWith(change: (rows: string[][]) => void): Buffer {
  const rows = table.slice(1).map((r) => [...r]);
  change(rows);
  return Buffer.from(stringify([header, ...rows]), 'utf8');
}

async function counts(database: TestDatabase) {
  const { prisma } = database.db;
  return {
    agencies: await prisma.agency.count(),
    contacts: await prisma.contact.count(),
    revisions: await prisma.directoryRevision.count(),
    events: await prisma.auditEvent.count(),
  };
}

describe.each(providers)('directory import preview on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase(provider, `directory_preview_${provider}`);
  });
  afterAll(async () => database?.drop());

  it('on an empty directory: every agency is new, and nothing is written', async () => {
    const preview = await previewDirectoryFile(
      database.db,
      readFileSync(FIXTURE),
      'danh-ba.csv',
      '2025-07-01',
    );
    expect(preview).toMatchObject({
      effectiveFrom: '2025-07-01',
      against: null,
      replacesRevision: false,
      issues: [],
      canApply: true,
      noop: false,
      removed: [],
      changed: [],
      unchanged: 0,
    });
    expect(preview.added.map((a) => [a.code, a.line])).toEqual([
      ['SO-TP', 2],
      ['SO-VHTTDL', 3],
      ['SO-YT', 4],
      ['UBND-P-DIENBIENPHU', 5],
    ]);
    expect(await counts(database)).toEqual({ agencies: 0, contacts: 0, revisions: 0, events: 0 });
    const result = await importDirectory(
      database.db,
      parseDirectoryCsv(readFileSync(FIXTURE), 'danh-ba.csv'),
      {
        effectiveFrom: '2025-07-01',
      },
    );
    expect(result.contentHash).toBe(preview.contentHash);
    expect(result.created).toEqual(preview.added.map((a) => a.code));
  });

  it('the same file again: no change', async () => {
    const preview = await previewDirectoryFile(
      database.db,
      readFileSync(FIXTURE),
      'danh-ba.csv',
      '2025-08-01',
    );
    expect(preview).toMatchObject({
      canApply: true,
      noop: true,
      added: [],
      removed: [],
      changed: [],
      unchanged: 4,
    });
    expect(preview.against).toMatchObject({ effectiveFrom: '2025-07-01', source: 'danh-ba.csv' });
  });

  it('lists added, ended, renamed, regrouped, re-parented agencies and contact changes by role', async () => {
    const bytes = csvWith((rows) => {
      rows.splice(0, 1); // SO-TP ends
      const vh = rows[0] as string[];
      vh[col('focal_point_name')] = 'Lường Văn Khánh';
      vh[col('focal_point_email')] = 'khanh.lv@sovhttdl.dienbien.example';
      const yt = rows[1] as string[];
      yt[col('name')] = 'Sở Y tế tỉnh Điện Biên';
      yt[col('group')] = 'mass_organisation';
      yt[col('head_name')] = 'Trần Hữu Minh Đức'; // same email: a changed head
      yt[col('deputy_name')] = '';
      yt[col('deputy_email')] = '';
      (rows[2] as string[])[col('parent_code')] = 'SO-VHTTDL';
      const nv = [...vh];
      nv[col('code')] = 'SO-NV';
      nv[col('name')] = 'Sở Nội vụ';
      nv[col('name_en')] = 'Department of Home Affairs';
      rows.push(nv);
    });
    const before = await counts(database);
    const preview = await previewDirectoryFile(database.db, bytes, 'danh-ba-2025-09.csv', '2025-09-01');
    expect(await counts(database)).toEqual(before);
    expect(preview.issues).toEqual([]);
    expect(preview.canApply).toBe(true);
    expect(preview.added).toEqual([
      { code: 'SO-NV', name: 'Sở Nội vụ', group: 'department', parentCode: null, line: 5 },
    ]);
    expect(preview.removed).toEqual([
      { code: 'SO-TP', name: 'Sở Tư pháp', group: 'department', parentCode: null, line: null },
    ]);
    expect(preview.unchanged).toBe(0);
    expect(preview.changed).toEqual([
      {
        code: 'SO-VHTTDL',
        name: 'Sở Văn hóa, Thể thao và Du lịch',
        line: 2,
        fields: [],
        contacts: [
          {
            role: 'focal_point',
            kind: 'changed',
            before: { name: 'Sình Thị Pà', email: 'pa.st@sovhttdl.dienbien.example', phone: null },
            after: { name: 'Lường Văn Khánh', email: 'khanh.lv@sovhttdl.dienbien.example', phone: null },
          },
        ],
      },
      {
        code: 'SO-YT',
        name: 'Sở Y tế tỉnh Điện Biên',
        line: 3,
        fields: [
          { field: 'name', before: 'Sở Y tế', after: 'Sở Y tế tỉnh Điện Biên' },
          { field: 'group', before: 'department', after: 'mass_organisation' },
        ],
        contacts: [
          {
            role: 'head',
            kind: 'changed',
            before: { name: 'Trần Hữu Minh', email: 'minh.th@soyt.dienbien.example', phone: null },
            after: { name: 'Trần Hữu Minh Đức', email: 'minh.th@soyt.dienbien.example', phone: null },
          },
          {
            role: 'deputy',
            kind: 'removed',
            before: { name: 'Đinh Quang Hùng', email: 'hung.dq@soyt.dienbien.example', phone: null },
            after: null,
          },
        ],
      },
      {
        code: 'UBND-P-DIENBIENPHU',
        name: 'Ủy ban nhân dân phường Điện Biên Phủ',
        line: 4,
        fields: [{ field: 'parentCode', before: null, after: 'SO-VHTTDL' }],
        contacts: [],
      },
    ]);
    // Applying it is the import, which agrees with the preview.
    const result = await importDirectory(database.db, parseDirectoryCsv(bytes, 'danh-ba-2025-09.csv'), {
      effectiveFrom: '2025-09-01',
      previewed: previewedOf(preview),
    });
    expect(result.contentHash).toBe(preview.contentHash);
    expect(result.created).toEqual(['SO-NV']);
    expect(result.closed).toEqual(['SO-TP']);
    expect(result.changed).toEqual(['SO-VHTTDL', 'SO-YT', 'UBND-P-DIENBIENPHU']);
  });

  it('a correction on the same date is compared with the revision it replaces', async () => {
    const bytes = csvWith((rows) => rows.splice(0, 1));
    const preview = await previewDirectoryFile(database.db, bytes, 'sua.csv', '2025-09-01');
    expect(preview.replacesRevision).toBe(true);
    expect(preview.against?.source).toBe('danh-ba-2025-09.csv');
    expect(preview.removed.map((a) => a.code)).toEqual(['SO-NV']);
  });

  it('reports bad rows, a back-dated file and a reused code, and then nothing can be applied', async () => {
    const bad = csvWith((rows) => {
      (rows[1] as string[])[col('focal_point_email')] = 'không-phải-email';
      (rows[2] as string[])[col('head_name')] = '';
    });
    const preview = await previewDirectoryFile(database.db, bad, 'loi.csv', '2025-10-01');
    expect(preview.canApply).toBe(false);
    expect(preview.contentHash).toBeNull();
    expect(preview.issues.map((i) => [i.file, i.line, i.field, i.code])).toEqual([
      ['loi.csv', 3, 'focal_point_email', 'SO-VHTTDL'],
      ['loi.csv', 4, 'head_name', 'SO-YT'],
    ]);
    expect(preview.added).toEqual([]);
    expect(preview.removed).toEqual([]);

    // SO-TP ended on 2025-09-01: its code cannot come back later; and 2025-08-01 is before the latest import.
    const rows = parseDirectoryCsv(readFileSync(FIXTURE), 'cu.csv');
    const reused = await previewDirectoryImport(database.db, rows, '2025-10-01');
    expect(reused.canApply).toBe(false);
    expect(reused.issues.map((i) => [i.line, i.field, i.code, i.message])).toEqual([
      [2, 'code', 'SO-TP', expect.stringMatching(/ceased on 2025-09-01; codes are never reused/)],
    ]);
    const backDated = await previewDirectoryImport(database.db, rows, '2025-08-01');
    expect(backDated.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^effective date 2025-08-01 is earlier than the latest import \(2025-09-01/),
    ]);
    expect(backDated.against?.effectiveFrom).toBe('2025-07-01');
  });

  it('refuses to apply a preview when the file or the directory changed since', async () => {
    const bytes = csvWith((rows) => rows.splice(0, 1));
    const rows = parseDirectoryCsv(bytes, 'sua.csv');
    const preview = await previewDirectoryImport(database.db, rows, '2025-11-01');
    expect(preview.removed.map((a) => a.code)).toEqual(['SO-NV']);
    const other = parseDirectoryCsv(readFileSync(FIXTURE), 'khac.csv');
    const notPreviewed = await importDirectory(database.db, other, {
      effectiveFrom: '2025-11-01',
      previewed: previewedOf(preview),
    }).catch((e: unknown) => e);
    expect(notPreviewed).toBeInstanceOf(DirectoryError);
    expect((notPreviewed as DirectoryError).issues[0]?.message).toMatch(/not the one previewed/);
    // A coordinator edits a contact in between: the preview no longer describes what the import would do.
    await editContact(database.db, {
      code: 'SO-YT',
      role: 'head',
      phone: '0215 3826 888',
      actor: 'coordinator:lan',
      effectiveFrom: '2025-10-15',
    });
    const before = await counts(database);
    const stale = await importDirectory(database.db, rows, {
      effectiveFrom: '2025-11-01',
      previewed: previewedOf(preview),
    }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(DirectoryError);
    expect((stale as DirectoryError).issues[0]?.message).toMatch(/the directory changed since the preview/);
    expect(await counts(database)).toEqual(before);
    const again = await previewDirectoryImport(database.db, rows, '2025-11-01');
    // The new preview shows the edit being undone by the file (the head's phone goes back to none).
    expect(again.changed.find((c) => c.code === 'SO-YT')?.contacts).toContainEqual({
      role: 'head',
      kind: 'changed',
      before: { name: 'Trần Hữu Minh Đức', email: 'minh.th@soyt.dienbien.example', phone: '0215 3826 888' },
      after: { name: 'Trần Hữu Minh', email: 'minh.th@soyt.dienbien.example', phone: null },
    });
    const result = await importDirectory(database.db, rows, {
      effectiveFrom: '2025-11-01',
      previewed: previewedOf(again),
    });
    expect(result.changed).toEqual(['SO-VHTTDL', 'SO-YT', 'UBND-P-DIENBIENPHU']);
    const bad = await previewDirectoryImport(database.db, rows, '2025-01-01');
    expect(() => previewedOf(bad)).toThrow(/cannot be applied/);
  });
});
