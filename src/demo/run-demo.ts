import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import type { TemporalConfig } from '../config/temporal';
import { computePlan } from '../cycle/compute-plan';
import { startCycle } from '../cycle/start';
import { importDirectoryFile } from '../directory/import-file';
import { findProgram } from '../programs/find';
import { directorySnapshot } from '../directory/snapshot';
import { cycleWorkflowId, type CycleResult } from '../workflows/cycle-types';
import type { annualCycle } from '../workflows/annual-cycle';
import { simulateAgencies, type Behaviour } from './agencies';

const DIRECTORY = join(__dirname, '../../data/directory');
const PROGRAM = 'dien-bien-kh99';

/** A stable mix for the demo: about 60% of agencies answer on time, 25% late, 15% never. */
export function demoBehaviour(code: string): Behaviour {
  const n = [...code].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 1000, 7) % 20;
  return n < 12 ? 'on-time' : n < 17 ? 'late' : 'never';
}

/** The first year from `from` whose cycle has not been started yet (a year's cycle runs once). */
async function freeYear(db: Database, from: number): Promise<number> {
  const used = new Set(
    (await db.prisma.cycle.findMany({ where: { program: { code: PROGRAM } }, select: { year: true } })).map(
      (c) => c.year,
    ),
  );
  let year = from;
  while (used.has(year)) year++;
  return year;
}

/**
 * The main job on the embedded stack: the Điện Biên directory (2022 and 2025 structures), then Plan 99's
 * cycle for a year with compressed time, agencies answering on time, late or never, until the
 * consolidated report. People watch the emails in the inbox and the workflows in the Temporal UI.
 */
export async function runDemo(
  client: Client,
  temporal: TemporalConfig,
  db: Database,
  opts: { year?: number; minutes: number; log: (line: string) => void },
): Promise<CycleResult> {
  // The shipped directory's two dated versions, once (the directory only moves forward).
  for (const [file, from] of [
    ['dien-bien-2022.csv', '2022-01-01'],
    ['dien-bien-2025.csv', '2025-07-01'],
  ] as const) {
    const known = await db.prisma.directoryRevision.findFirst({
      where: { effectiveFrom: new Date(`${from}T00:00:00Z`) },
    });
    if (!known) await importDirectoryFile(db, join(DIRECTORY, file), from, 'demo');
  }
  const year = opts.year ?? (await freeYear(db, new Date().getFullYear() + 1));
  const plan = computePlan(findProgram(PROGRAM), year);
  const spanMs = Date.parse(`${plan.endsOn}T23:59:59+07:00`) - Date.parse(`${plan.startsOn}T07:00:00+07:00`);
  const scale = Math.max(1, Math.round(spanMs / (opts.minutes * 60_000)));
  const started = await startCycle(client, temporal, { program: PROGRAM, year, scale });
  opts.log(
    `Chu trình ${year} đã bắt đầu (${started.workflowId}), ${opts.minutes} phút cho cả năm (×${scale}).`,
  );
  opts.log(`Temporal UI: ${started.uiUrl}`);

  const agencies = (await directorySnapshot(db, plan.startsOn)).agencies;
  const behaviours = new Map<string, Behaviour>(agencies.map((a) => [a.code, demoBehaviour(a.code)]));
  const program = findProgram(PROGRAM).definition;
  behaviours.set(program.lead, 'on-time');
  const result = client.workflow.getHandle<typeof annualCycle>(cycleWorkflowId(PROGRAM, year)).result();
  await simulateAgencies(client, {
    program: PROGRAM,
    year,
    agencies: behaviours,
    until: result,
    // Each look is a query per agency, answered by the worker: once a second (about a calendar day at the
    // default speed) keeps the worker free for the cycle itself.
    pollMs: 1000,
    onAction: opts.log,
  });
  return result;
}
