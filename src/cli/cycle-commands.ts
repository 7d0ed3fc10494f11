import { readFileSync } from 'node:fs';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type UpdateDefinition,
} from '@temporalio/client';
import { workflowUiUrl, type TemporalConfig } from '../config/temporal';
import { localInstant } from '../cycle/clock';
import type { Database } from '../db/client';
import { importDirectory, type ImportResult } from '../directory/import';
import { parseDirectoryFile } from '../directory/xlsx';
import { cycleWorkflowId, type AnnualCycleInput } from '../workflows/cycle-types';
import { agencyWorkflowId, type AgencyObligationsStatus } from '../workflows/obligation-types';
import { computePlan, findProgram } from './cycle-plan';
import { UsageError } from './usage-error';
import { statusQuery } from '../workflows/messages/agency-obligations';

/** A year's cycle that is already there (running or closed): a year runs once. */
export class CycleAlreadyStartedError extends UsageError {}

/** Starts a year's cycle; starting the same year twice is refused with the existing workflow named. */
export async function startCycle(
  client: Client,
  temporal: TemporalConfig,
  opts: { program: string; year: number; scale?: number },
): Promise<{ workflowId: string; uiUrl: string; startsOn: string; endsOn: string }> {
  const loaded = findProgram(opts.program);
  const plan = computePlan(loaded, opts.year);
  const workflowId = cycleWorkflowId(opts.program, opts.year);
  if (opts.scale !== undefined && !(Number.isFinite(opts.scale) && opts.scale >= 1)) {
    throw new UsageError(`--scale ${opts.scale}: expected a number ≥ 1 (calendar seconds per real second)`);
  }
  const input: AnnualCycleInput = {
    program: opts.program,
    year: opts.year,
    // Compressed time starts the calendar at 07:00 on the cycle's first day; real time starts now.
    clock: opts.scale ? { originMs: localInstant(plan.startsOn, 7), scale: opts.scale } : undefined,
  };
  try {
    await client.workflow.start('annualCycle', {
      taskQueue: temporal.taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CycleAlreadyStartedError(
        `the ${opts.year} cycle of ${opts.program} was already started (workflow ${workflowId}); ` +
          'a year runs once: see `phoihop cycle status`',
      );
    }
    throw err;
  }
  return {
    workflowId,
    uiUrl: workflowUiUrl(temporal, workflowId),
    startsOn: plan.startsOn,
    endsOn: plan.endsOn,
  };
}

export async function agencyStatus(
  client: Client,
  opts: { program: string; year: number; agency: string },
): Promise<AgencyObligationsStatus> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  return await handle.query(statusQuery);
}

/** Counts of the read model per milestone and status, for a whole cycle. */
export async function cycleCounts(
  db: Database,
  opts: { program: string; year: number },
): Promise<{ status: string; counts: Record<string, Record<string, number>> }> {
  const cycle = await db.prisma.cycle.findFirst({
    where: { year: opts.year, program: { code: opts.program } },
  });
  if (!cycle)
    throw new UsageError(`no ${opts.year} cycle of ${opts.program} in the database (start it first)`);
  const groups = await db.prisma.obligation.groupBy({
    by: ['milestoneKey', 'status'],
    where: { cycleId: cycle.id },
    _count: { _all: true },
  });
  const counts: Record<string, Record<string, number>> = {};
  for (const g of groups) (counts[g.milestoneKey] ??= {})[g.status] = g._count._all;
  return { status: cycle.status, counts };
}

/** Sends a coordinator's action (the agency workflow's Update) to an agency's workflow; a refusal comes back as its reason. */
export async function coordinatorAction<Ret, Arg>(
  client: Client,
  opts: {
    program: string;
    year: number;
    agency: string;
    update: UpdateDefinition<Ret, [Arg]>;
    args: Arg;
  },
): Promise<Ret> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  try {
    return await handle.executeUpdate(opts.update, { args: [opts.args] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new UsageError(`refused: ${(err.cause as Error | undefined)?.message ?? err.message}`);
    }
    throw err;
  }
}

export async function cancelCycle(client: Client, opts: { program: string; year: number }): Promise<string> {
  const workflowId = cycleWorkflowId(opts.program, opts.year);
  await client.workflow.getHandle(workflowId).cancel();
  return workflowId;
}

/**
 * Imports a directory file, CSV or XLSX (told apart by content, then extension); nothing is imported when
 * any row is bad (every bad row is reported).
 */
export async function importDirectoryFile(
  db: Database,
  file: string,
  effectiveFrom: string,
  actor: string,
): Promise<ImportResult> {
  const rows = await parseDirectoryFile(readFileSync(file), file);
  return importDirectory(db, rows, { effectiveFrom, source: file, actor });
}
