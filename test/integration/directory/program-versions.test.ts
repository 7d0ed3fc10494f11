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

  it('keeps a version a cycle refers to: it cannot be deleted, and a change behind our back is detected', async () => {
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
