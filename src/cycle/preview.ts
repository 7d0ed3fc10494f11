// What starting a year's cycle would do, before it is started (the dashboard's start page): the computed
// plan (the same computation as `phoihop cycle plan`), the program version it would use, and the agencies
// the dated directory addresses on the start date, counted per group, with those that joined or left since
// the previous year's start date.
import type { Database } from '../db/client';
import type { LoadedProgram } from '../programs/load';
import type { AgencyRef } from '../workflows/obligation-types';
import { addressedAgencies } from './addressed';
import { computePlan } from './compute-plan';
import type { CyclePlan } from './plan';

export interface CyclePreview {
  plan: CyclePlan;
  /** The version the cycle would use: the program file's, stored already (its number) or to be stored. */
  version: { number: number; stored: boolean; storedAt?: Date; hash: string };
  /** Every stored version of the program, newest first. */
  versions: { number: number; createdAt: Date; hash: string }[];
  agencies: AgencyRef[];
  /** Per group (the program's groups in its order, then the lead's if it is in none): how many. */
  groups: { group: string; count: number }[];
  previous: { year: number; startsOn: string; joined: AgencyRef[]; left: AgencyRef[] };
}

export async function previewCycle(
  db: Pick<Database, 'prisma'>,
  loaded: LoadedProgram,
  year: number,
): Promise<CyclePreview> {
  const { definition, hash } = loaded;
  const plan = computePlan(loaded, year);
  const rows = await db.prisma.programVersion.findMany({
    where: { program: { code: definition.code } },
    orderBy: { version: 'desc' },
    select: { version: true, createdAt: true, contentHash: true },
  });
  const versions = rows.map((r) => ({ number: r.version, createdAt: r.createdAt, hash: r.contentHash }));
  const current = versions.find((v) => v.hash === hash);
  const version = current
    ? { number: current.number, stored: true, storedAt: current.createdAt, hash }
    : { number: (versions[0]?.number ?? 0) + 1, stored: false, hash };

  const agencies = await addressedAgencies(db, definition, plan.startsOn);
  const order = [...(definition.addressees as string[])];
  for (const a of agencies) if (!order.includes(a.group)) order.push(a.group);
  const groups = order
    .map((group) => ({ group, count: agencies.filter((a) => a.group === group).length }))
    .filter((g) => g.count > 0 || (definition.addressees as string[]).includes(g.group));

  const previousStart = computePlan(loaded, year - 1).startsOn;
  const before = await addressedAgencies(db, definition, previousStart);
  const now = new Set(agencies.map((a) => a.code));
  const then = new Set(before.map((a) => a.code));
  return {
    plan,
    version,
    versions,
    agencies,
    groups,
    previous: {
      year: year - 1,
      startsOn: previousStart,
      joined: agencies.filter((a) => !then.has(a.code)),
      left: before.filter((a) => !now.has(a.code)),
    },
  };
}
