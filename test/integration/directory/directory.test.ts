import { readFileSync } from 'node:fs';
import path from 'node:path';
import { directorySnapshot } from '../../../src/directory/snapshot';
import { importDirectory, parseDirectoryCsv } from '../../../src/directory/import';
import { DirectoryError, type DirectorySnapshot, type DirectoryRow } from '../../../src/directory/types';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';

const DATA = path.resolve(__dirname, '..', '..', '..', 'data', 'directory');
const read = (name: string) => readFileSync(path.join(DATA, name), 'utf8');
const load = (name: string): DirectoryRow[] => parseDirectoryCsv(read(name), name);

const groupCount = (snapshot: DirectorySnapshot, group: string) =>
  snapshot.agencies.filter((a) => a.group === group).length;

async function tableCounts(database: TestDatabase) {
  const { prisma } = database.db;
  return {
    agencies: await prisma.agency.count(),
    open: await prisma.agency.count({ where: { effectiveTo: null } }),
    contacts: await prisma.contact.count(),
    events: await prisma.auditEvent.count(),
    revisions: await prisma.directoryRevision.count(),
  };
}

/** The audit events of directory imports, oldest first: who, when, file, hash and counts only. */
async function importEvents(database: TestDatabase) {
  return database.db.prisma.auditEvent.findMany({
    where: { action: 'directory.import' },
    orderBy: { id: 'asc' },
  });
}

describe.each(providers)('the dated directory on %s', (provider) => {
  let database: TestDatabase;
  const rows2022 = load('dien-bien-2022.csv');
  const rows2025 = load('dien-bien-2025.csv');

  beforeAll(async () => {
    database = await freshDatabase(provider, `directory_${provider}`);
  });
  afterAll(async () => database?.drop());

  it('imports the 2022 structure', async () => {
    const result = await importDirectory(database.db, rows2022, { effectiveFrom: '2022-01-01' });
    expect(result).toMatchObject({
      noop: false,
      effectiveFrom: '2022-01-01',
      closed: [],
      changed: [],
      reopened: [],
    });
    expect(result.created).toHaveLength(36);
    expect(await tableCounts(database)).toMatchObject({
      agencies: 36,
      open: 36,
      contacts: 36 * 3,
      events: 1,
      revisions: 1,
    });
  });

  it('stores the import as the DirectoryRevision of its date, and audits it without the content', async () => {
    const { prisma } = database.db;
    const [revision] = await prisma.directoryRevision.findMany();
    expect(revision).toMatchObject({
      effectiveFrom: new Date('2022-01-01T00:00:00.000Z'),
      source: 'dien-bien-2022.csv',
      importedBy: 'system',
    });
    expect(revision?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const agencies = revision?.agencies as Array<{ code: string; nameEn: string | null }>;
    expect(agencies).toHaveLength(36);
    expect(agencies.map((a) => a.code)).toEqual(rows2022.map((r) => r.code).sort());
    const [event] = await importEvents(database);
    expect(event).toMatchObject({ actor: 'system', subject: 'directory' });
    expect(event?.details).toEqual({
      revisionId: revision?.id,
      effectiveFrom: '2022-01-01',
      source: 'dien-bien-2022.csv',
      contentHash: revision?.contentHash,
      replacedContentHash: null,
      agencies: 36,
      created: 36,
      closed: 0,
      changed: 0,
      reopened: 0,
      unchanged: 0,
    });
    const someEmail = (rows2022[0] as DirectoryRow).contacts.focal_point.email;
    expect(JSON.stringify(event?.details)).not.toContain(someEmail);
  });

  it('keeps English names in the Agency table', async () => {
    const { prisma } = database.db;
    const withEnglish = rows2022.filter((r) => r.nameEn !== null);
    expect(withEnglish.length).toBeGreaterThan(0);
    const stored = await prisma.agency.findMany({ select: { code: true, nameEn: true } });
    expect(Object.fromEntries(stored.map((a) => [a.code, a.nameEn]))).toEqual(
      Object.fromEntries(rows2022.map((r) => [r.code, r.nameEn])),
    );
    const snapshot = await directorySnapshot(database.db, '2022-01-01');
    expect(snapshot.agencies.find((a) => a.code === withEnglish[0]?.code)?.nameEn).toBe(
      withEnglish[0]?.nameEn,
    );
  });

  it('imports the 2025 structure as a dated change', async () => {
    const result = await importDirectory(database.db, rows2025, {
      effectiveFrom: '2025-07-01',
      actor: 'coordinator:test',
    });
    expect(result.noop).toBe(false);
    expect(result.created).toHaveLength(45 + 5);
    expect(result.created).toEqual(
      expect.arrayContaining(['UBND-X-MUONGNHE', 'UBND-P-DIENBIENPHU', 'SO-DTTG']),
    );
    expect(result.closed).toEqual(
      expect.arrayContaining(['UBND-H-TUANGIAO', 'UBND-TP-DIENBIENPHU', 'SO-LDTBXH', 'SO-KHDT', 'BAN-DT']),
    );
    expect(result.closed).toHaveLength(10 + 9);
    // Mass organisations now sit under the Fatherland Front; some bodies have a new focal point.
    expect(result.changed).toEqual(expect.arrayContaining(['HLHPN-TINH', 'TINH-DOAN', 'SO-VHTTDL']));
    const closed = await database.db.prisma.agency.findUnique({ where: { code: 'UBND-H-TUANGIAO' } });
    expect(closed?.effectiveTo?.toISOString()).toBe('2025-07-01T00:00:00.000Z');
    const commune = await database.db.prisma.agency.findUnique({ where: { code: 'UBND-X-MUONGNHE' } });
    expect(commune?.nameEn).toBe(rows2025.find((r) => r.code === 'UBND-X-MUONGNHE')?.nameEn);
    // One revision per effective date, and one short audit event per import.
    const revisions = await database.db.prisma.directoryRevision.findMany({ orderBy: { id: 'asc' } });
    expect(revisions.map((r) => [r.effectiveFrom.toISOString().slice(0, 10), r.importedBy])).toEqual([
      ['2022-01-01', 'system'],
      ['2025-07-01', 'coordinator:test'],
    ]);
    const events = await importEvents(database);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      actor: 'coordinator:test',
      details: {
        revisionId: revisions[1]?.id,
        effectiveFrom: '2025-07-01',
        source: 'dien-bien-2025.csv',
        contentHash: result.contentHash,
        agencies: rows2025.length,
        created: 50,
        closed: 19,
        changed: result.changed.length,
        reopened: 0,
      },
    });
  });

  it('gives the district committees and no commune ones on 2024-06-01', async () => {
    const snapshot = await directorySnapshot(database.db, '2024-06-01');
    expect(groupCount(snapshot, 'district_committee')).toBe(10);
    expect(groupCount(snapshot, 'commune_committee')).toBe(0);
    expect(snapshot.agencies).toHaveLength(36);
    expect(snapshot.revision?.effectiveFrom).toBe('2022-01-01');
    const codes = snapshot.agencies.map((a) => a.code);
    expect(codes).toEqual([...codes].sort());
    // As the 2022 file stated it, though the agency has changed since.
    const lead2022 = rows2022.find((r) => r.code === 'SO-VHTTDL');
    const lead = snapshot.agencies.find((a) => a.code === 'SO-VHTTDL');
    expect(lead?.contacts.focal_point).toEqual([lead2022?.contacts.focal_point]);
    expect(snapshot.agencies.find((a) => a.code === 'HLHPN-TINH')?.parentCode).toBeNull();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('gives the commune committees and no district ones on 2025-08-01', async () => {
    const snapshot = await directorySnapshot(database.db, new Date('2025-08-01T10:00:00Z'));
    expect(groupCount(snapshot, 'district_committee')).toBe(0);
    expect(groupCount(snapshot, 'commune_committee')).toBe(45);
    expect(snapshot.agencies).toHaveLength(67);
    const lead2025 = rows2025.find((r) => r.code === 'SO-VHTTDL');
    const lead = snapshot.agencies.find((a) => a.code === 'SO-VHTTDL');
    expect(lead).toMatchObject({ effectiveFrom: '2022-01-01', effectiveTo: null, group: 'department' });
    expect(lead?.contacts.focal_point).toEqual([lead2025?.contacts.focal_point]);
    expect(snapshot.agencies.find((a) => a.code === 'HLHPN-TINH')?.parentCode).toBe('MTTQ-TINH');
    expect(snapshot.agencies.find((a) => a.code === 'UBND-X-MUONGNHE')).toMatchObject({
      name: 'Ủy ban nhân dân xã Mường Nhé',
      group: 'commune_committee',
      effectiveFrom: '2025-07-01',
    });
    // The last day of the old structure and the first of the new.
    expect(groupCount(await directorySnapshot(database.db, '2025-06-30'), 'district_committee')).toBe(10);
    expect(groupCount(await directorySnapshot(database.db, '2025-07-01'), 'district_committee')).toBe(0);
    expect((await directorySnapshot(database.db, '2021-12-31')).agencies).toEqual([]);
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await tableCounts(database);
    const snapshots = await Promise.all(
      ['2024-06-01', '2025-08-01'].map((d) => directorySnapshot(database.db, d)),
    );
    const again = await importDirectory(database.db, load('dien-bien-2025.csv'), {
      effectiveFrom: '2025-07-01',
    });
    expect(again).toMatchObject({ noop: true, created: [], closed: [], changed: [], reopened: [] });
    const later = await importDirectory(database.db, rows2025, { effectiveFrom: '2025-09-01' });
    expect(later.noop).toBe(true);
    expect(await tableCounts(database)).toEqual(before);
    expect(
      await Promise.all(['2024-06-01', '2025-08-01'].map((d) => directorySnapshot(database.db, d))),
    ).toEqual(snapshots);
  });

  it('refuses back-dated imports and reused codes, changing nothing', async () => {
    const before = await tableCounts(database);
    await expect(importDirectory(database.db, rows2022, { effectiveFrom: '2024-01-01' })).rejects.toThrow(
      /earlier than the latest import \(2025-07-01/,
    );
    const error = await importDirectory(database.db, rows2022, { effectiveFrom: '2026-01-01' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DirectoryError);
    const reused = (error as DirectoryError).issues;
    expect(reused.map((i) => i.code)).toEqual(expect.arrayContaining(['UBND-H-TUANGIAO', 'SO-LDTBXH']));
    expect(reused[0]?.message).toMatch(/ceased on 2025-07-01; codes are never reused/);
    expect(await tableCounts(database)).toEqual(before);
  });

  it('replaces the revision of a date with a correction imported for the same date', async () => {
    const { prisma } = database.db;
    const before = await tableCounts(database);
    const old2024 = await directorySnapshot(database.db, '2024-06-01');
    const [, revision2025] = await prisma.directoryRevision.findMany({ orderBy: { id: 'asc' } });
    const corrected = rows2025.map((r) =>
      r.code === 'SO-VHTTDL' ? { ...r, nameEn: 'Department of Culture, Sports and Tourism (corrected)' } : r,
    );
    const result = await importDirectory(database.db, corrected, {
      effectiveFrom: '2025-07-01',
      source: 'dien-bien-2025-corrected.csv',
    });
    expect(result).toMatchObject({ noop: false, changed: ['SO-VHTTDL'], created: [], closed: [] });
    expect(result.revisionId).toBe(revision2025?.id);
    expect(await tableCounts(database)).toEqual({ ...before, events: before.events + 1 });
    const revision = await prisma.directoryRevision.findUniqueOrThrow({
      where: { effectiveFrom: new Date('2025-07-01T00:00:00.000Z') },
    });
    expect(revision).toMatchObject({
      source: 'dien-bien-2025-corrected.csv',
      contentHash: result.contentHash,
    });
    const [event] = (await importEvents(database)).slice(-1);
    expect(event?.details).toMatchObject({
      revisionId: revision.id,
      replacedContentHash: revision2025?.contentHash,
      changed: 1,
    });
    expect((await prisma.agency.findUniqueOrThrow({ where: { code: 'SO-VHTTDL' } })).nameEn).toMatch(
      /corrected/,
    );
    const snapshot = await directorySnapshot(database.db, '2025-08-01');
    expect(snapshot.agencies.find((a) => a.code === 'SO-VHTTDL')?.nameEn).toMatch(/corrected/);
    expect(snapshot.revision).toMatchObject({ id: revision.id, contentHash: result.contentHash });
    expect(await directorySnapshot(database.db, '2024-06-01')).toEqual(old2024);
  });

  it('imports nothing from a file with bad rows among many, and reports each', async () => {
    const lines = read('dien-bien-2025.csv').split('\n');
    lines[5] = (lines[5] as string).replace(/,[a-z.]+@[a-z.]+\.example,/, ',khong-phai-email,');
    lines[20] = (lines[20] as string).replace(/,(department|mass_organisation|commune_committee),/, ',xa,');
    lines[40] = (lines[40] as string).replace(/^([A-Z-]+),[^,]+,/, '$1,,');
    const bad = lines.join('\n');
    const error = (() => {
      try {
        parseDirectoryCsv(bad, 'bad.csv');
      } catch (e) {
        return e as DirectoryError;
      }
    })();
    expect(error).toBeInstanceOf(DirectoryError);
    expect(error?.issues.map((i) => [i.line, i.field])).toEqual([
      [6, 'focal_point_email'],
      [21, 'group'],
      [41, 'name'],
    ]);

    // The applier checks rows from any parser the same way, before touching the database.
    const fresh = await freshDatabase(provider, `directory_bad_${provider}`);
    try {
      const rows = load('dien-bien-2025.csv');
      rows[30] = { ...(rows[30] as DirectoryRow), group: 'xa' };
      rows[31] = { ...(rows[31] as DirectoryRow), parentCode: 'KHONG-CO' };
      const failure = await importDirectory(fresh.db, rows, { effectiveFrom: '2025-07-01' }).catch((e) => e);
      expect(failure).toBeInstanceOf(DirectoryError);
      expect((failure as DirectoryError).issues.map((i) => i.field)).toEqual(['group', 'parent_code']);
      expect(await fresh.db.prisma.agency.count()).toBe(0);
      expect(await fresh.db.prisma.auditEvent.count()).toBe(0);
      expect(await fresh.db.prisma.directoryRevision.count()).toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  it('rolls back everything when the transaction fails half-way', async () => {
    const fresh = await freshDatabase(provider, `directory_rollback_${provider}`);
    try {
      await importDirectory(fresh.db, rows2022, { effectiveFrom: '2022-01-01' });
      const before = await tableCounts({ ...database, db: fresh.db });
      // A value the database layer rejects in the last row (a phone that is not text), after dozens of
      // writes in the same transaction.
      const broken = rows2025.map((r) => ({ ...r }));
      (broken[broken.length - 1] as DirectoryRow).contacts = {
        ...(broken[broken.length - 1] as DirectoryRow).contacts,
        focal_point: { name: 'X', email: 'x@y.example', phone: 1 as unknown as string },
      };
      await expect(importDirectory(fresh.db, broken, { effectiveFrom: '2025-07-01' })).rejects.toThrow();
      expect(await tableCounts({ ...database, db: fresh.db })).toEqual(before);
    } finally {
      await fresh.drop();
    }
  });
});
