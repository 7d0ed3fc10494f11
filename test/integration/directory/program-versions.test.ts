// Program versions (src/programs/store.ts) on both databases. Lives here with the directory's
// integration tests: both are the data a cycle snapshots when it starts.
import { loadPrograms } from '../../../src/programs/load';
import {
  loadProgramVersion,
  ProgramVersionIntegrityError,
  registerProgramVersion,
} from '../../../src/programs/store';
import { programHash } from '../../../src/programs/load';
import type { ProgramDefinition } from '../../../src/programs/types';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';

/** The message of the trigger the migration *_directory_revisions adds on both providers. */
const IMMUTABLE = /ProgramVersion rows are immutable: register a new version/;

/**
 * The database's own message for a refused write. Raw queries and PostgreSQL put it in the error's
 * message; on SQLite the Prisma adapter reports a trigger's RAISE as P2003 ("Foreign key constraint
 * violated") and keeps the trigger's message only in meta.driverAdapterError.cause.originalMessage.
 */
async function refusal(write: Promise<unknown>): Promise<string> {
  const error = (await write.then(
    () => null,
    (e: unknown) => e,
  )) as { message?: string; meta?: { driverAdapterError?: { cause?: { originalMessage?: string } } } } | null;
  if (error === null) throw new Error('the database accepted the write');
  return `${error.message ?? String(error)} ${error.meta?.driverAdapterError?.cause?.originalMessage ?? ''}`;
}

describe.each(providers)('program versions on %s', (provider) => {
  let database: TestDatabase;
  const shipped = loadPrograms()[0]!;

  beforeAll(async () => {
    database = await freshDatabase(provider, `program_versions_${provider}`);
  });
  afterAll(async () => database?.drop());

  it('registers version 1, and the same content again is the same version', async () => {
    const first = await registerProgramVersion(database.db, shipped.definition, shipped.hash);
    expect(first).toMatchObject({
      code: 'dien-bien-kh99',
      version: 1,
      created: true,
      contentHash: shipped.hash,
    });
    const again = await registerProgramVersion(database.db, loadPrograms()[0]!.definition, shipped.hash);
    expect(again).toEqual({ ...first, created: false });
    const stored = await loadProgramVersion(database.db, { code: 'dien-bien-kh99', version: 1 });
    expect(stored.definition).toEqual(shipped.definition);
    expect(await database.db.prisma.programVersion.count()).toBe(1);
  });

  it('registers a changed definition as version 2 and leaves version 1 as it was', async () => {
    const changed: ProgramDefinition = {
      ...shipped.definition,
      milestones: shipped.definition.milestones.map((m) =>
        m.key === 'annual-plan' ? { ...m, reminders: [7, 3, 0] } : m,
      ),
    };
    const hash = programHash(changed);
    expect(hash).not.toBe(shipped.hash);
    const second = await registerProgramVersion(database.db, changed, hash);
    expect(second).toMatchObject({ version: 2, created: true });
    const v1 = await loadProgramVersion(database.db, { code: 'dien-bien-kh99', version: 1 });
    expect(v1.contentHash).toBe(shipped.hash);
    expect(v1.definition.milestones[0]?.reminders).toEqual([5, 2, 0]);
    // Registering the first content again still finds version 1.
    expect((await registerProgramVersion(database.db, shipped.definition, shipped.hash)).version).toBe(1);
    await expect(registerProgramVersion(database.db, changed, shipped.hash)).rejects.toThrow(
      ProgramVersionIntegrityError,
    );
  });

  it('keeps a version a cycle refers to: it cannot be deleted', async () => {
    const { prisma } = database.db;
    const v1 = await loadProgramVersion(database.db, { code: 'dien-bien-kh99', version: 1 });
    const program = await prisma.program.findUniqueOrThrow({ where: { code: 'dien-bien-kh99' } });
    await prisma.cycle.create({
      data: { programId: program.id, programVersionId: v1.programVersionId, year: 2027 },
    });
    await expect(prisma.programVersion.delete({ where: { id: v1.programVersionId } })).rejects.toThrow();
    await expect(prisma.program.delete({ where: { id: program.id } })).rejects.toThrow();
    expect((await loadProgramVersion(database.db, { id: v1.programVersionId })).contentHash).toBe(
      shipped.hash,
    );
  });

  it('has the database refuse any UPDATE of a stored version, raw or through Prisma', async () => {
    const { prisma } = database.db;
    const v1 = await loadProgramVersion(database.db, { code: 'dien-bien-kh99', version: 1 });
    const before = await prisma.programVersion.findMany({ orderBy: { id: 'asc' } });
    const tampered = JSON.stringify({ ...shipped.definition, lead: 'SO-YT' });
    await expect(
      prisma.$executeRawUnsafe(
        provider === 'sqlite'
          ? 'UPDATE "ProgramVersion" SET "definition" = ? WHERE "id" = ?'
          : 'UPDATE "ProgramVersion" SET "definition" = $1::jsonb WHERE "id" = $2',
        tampered,
        v1.programVersionId,
      ),
    ).rejects.toThrow(IMMUTABLE);
    // Even an update that changes nothing, and one over every row.
    await expect(
      prisma.$executeRawUnsafe('UPDATE "ProgramVersion" SET "contentHash" = "contentHash"'),
    ).rejects.toThrow(IMMUTABLE);
    // Through Prisma's model API too (only the message's place differs, see `refusal`).
    expect(
      await refusal(
        prisma.programVersion.update({ where: { id: v1.programVersionId }, data: { version: 9 } }),
      ),
    ).toMatch(IMMUTABLE);
    expect(
      await refusal(prisma.programVersion.updateMany({ data: { contentHash: 'x'.repeat(64) } })),
    ).toMatch(IMMUTABLE);
    expect(await prisma.programVersion.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    // New versions can still be registered.
    const changed = { ...shipped.definition, title: { ...shipped.definition.title, vi: 'Kế hoạch mới' } };
    expect((await registerProgramVersion(database.db, changed, programHash(changed))).created).toBe(true);
  });

  it('still detects a version changed behind its back (the trigger dropped by hand)', async () => {
    const { prisma } = database.db;
    const v1 = await loadProgramVersion(database.db, { code: 'dien-bien-kh99', version: 1 });
    await prisma.$executeRawUnsafe(
      provider === 'sqlite'
        ? 'DROP TRIGGER "ProgramVersion_immutable"'
        : 'ALTER TABLE "ProgramVersion" DISABLE TRIGGER "ProgramVersion_immutable"',
    );
    const tampered = { ...shipped.definition, lead: 'SO-YT' };
    await prisma.programVersion.update({
      where: { id: v1.programVersionId },
      data: { definition: tampered },
    });
    await expect(loadProgramVersion(database.db, { id: v1.programVersionId })).rejects.toThrow(
      /was modified after it was stored.*Versions are immutable/,
    );
  });
});
