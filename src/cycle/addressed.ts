// The agencies a program's cycle addresses: those of the directory in force on a date (its snapshot)
// in the groups the program names, and its lead agency. The cycle's activities fan out to them; the
// dashboard shows them before a cycle is started.
import type { Database } from '../db/client';
import { directorySnapshot } from '../directory/snapshot';
import type { ProgramDefinition } from '../programs/types';
import type { AgencyRef } from '../workflows/obligation-types';

/** Agencies of the snapshot on `date` that a program addresses (its groups, and the lead), sorted by code. */
export async function addressedAgencies(
  db: Pick<Database, 'prisma'>,
  program: ProgramDefinition,
  date: string,
): Promise<AgencyRef[]> {
  const snapshot = await directorySnapshot(db, date);
  return snapshot.agencies
    .filter((a) => (program.addressees as string[]).includes(a.group) || a.code === program.lead)
    .map((a) => ({ code: a.code, name: a.name, group: a.group }));
}
