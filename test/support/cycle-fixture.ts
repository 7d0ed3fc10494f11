import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/db/client';
import { importDirectory, parseDirectoryCsv } from '../../src/directory/import';
import { registerProgramVersion } from '../../src/programs/store';
import { computePlan } from '../../src/cycle/compute-plan';
import { findProgram } from '../../src/programs/find';
import type { CyclePlan } from '../../src/cycle/plan';
import type { LoadedProgram } from '../../src/programs/load';
import { projectRoot } from './tools';

export interface SeededCycle {
  cycleId: number;
  programVersionId: number;
  program: LoadedProgram;
  plan: CyclePlan;
}

/**
 * A database set up as a cycle start leaves it: the Điện Biên directory in force since 2025-07-01, Plan
 * 99 stored as a program version, and the Cycle row of `year` (snapshot date: the cycle's first day).
 */
export async function seedCycle(db: Database, year: number): Promise<SeededCycle> {
  const file = join(projectRoot, 'data/directory/dien-bien-2025.csv');
  await importDirectory(db, parseDirectoryCsv(readFileSync(file), file), { effectiveFrom: '2025-07-01' });
  const program = findProgram('dien-bien-kh99');
  const stored = await registerProgramVersion(db, program.definition, program.hash);
  const plan = computePlan(program, year);
  const cycle = await db.prisma.cycle.create({
    data: {
      programId: stored.programId,
      programVersionId: stored.programVersionId,
      year,
      status: 'running',
      startedAt: new Date(`${plan.startsOn}T00:00:00Z`),
    },
  });
  return { cycleId: cycle.id, programVersionId: stored.programVersionId, program, plan };
}
