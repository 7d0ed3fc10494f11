import { readFileSync } from 'node:fs';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { workflowUiUrl, type TemporalConfig } from '../config/temporal';
import { localInstant } from '../cycle/clock';
import type { Database } from '../db/client';
import { importDirectory, type ImportResult } from '../directory/import';
import { parseDirectoryFile } from '../directory/xlsx';
import type { Outcome } from '../reports/consolidated/types';
import {
  cycleStatusSummary,
  isClosedCycle,
  obligationOutcome,
  type CycleStatusSummary,
  type StoredOutcomes,
} from '../reports/cycle-status';
import { cycleWorkflowId, type AnnualCycleInput } from '../workflows/cycle-types';
import { agencyWorkflowId, type AgencyObligationsStatus } from '../workflows/obligation-types';
import { computePlan, findProgram } from './cycle-plan';
import { UsageError } from './usage-error';

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
  return (await handle.query('status')) as AgencyObligationsStatus;
}

/** Whether the agency's workflow still runs: its cycle has not closed (the cycle ends after it). */
export async function agencyRunning(
  client: Client,
  opts: { program: string; year: number; agency: string },
): Promise<boolean> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  return (await handle.describe()).status.name === 'RUNNING';
}

/**
 * Counts of the read model per milestone and status, for a whole cycle, and per milestone what is owed and
 * how it stands (the report's rule; the final outcome once the cycle has closed).
 */
export async function cycleCounts(
  db: Database,
  opts: { program: string; year: number },
): Promise<{ status: string; counts: Record<string, Record<string, number>> } & CycleStatusSummary> {
  const cycle = await db.prisma.cycle.findFirst({
    where: { year: opts.year, program: { code: opts.program } },
  });
  if (!cycle)
    throw new UsageError(`no ${opts.year} cycle of ${opts.program} in the database (start it first)`);
  const rows = await db.prisma.obligation.findMany({
    where: { cycleId: cycle.id },
    select: {
      milestoneKey: true,
      status: true,
      submittedAt: true,
      lateByWorkingDays: true,
      agency: { select: { code: true } },
    },
    orderBy: [{ dueAt: 'asc' }, { milestoneKey: 'asc' }],
  });
  const counts: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const byStatus = (counts[r.milestoneKey] ??= {});
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  }
  const stored = (cycle.summary ?? null) as { agencies?: StoredOutcomes } | null;
  const summary = cycleStatusSummary(
    cycle.status,
    rows.map((r) => ({ ...r, agency: r.agency.code, milestone: r.milestoneKey })),
    stored?.agencies,
  );
  return { status: cycle.status, counts, ...summary };
}

/** The read model's rows and closure of one agency's obligations, for its final outcomes. */
export async function agencyOutcomes(
  db: Database,
  opts: { program: string; year: number; agency: string },
): Promise<{ closed: boolean; outcomes: Map<string, Outcome> } | null> {
  const cycle = await db.prisma.cycle.findFirst({
    where: { year: opts.year, program: { code: opts.program } },
  });
  if (!cycle) return null;
  const rows = await db.prisma.obligation.findMany({
    where: { cycleId: cycle.id, agency: { code: opts.agency } },
    select: { milestoneKey: true, status: true, submittedAt: true, lateByWorkingDays: true },
  });
  const stored = (cycle.summary ?? null) as { agencies?: StoredOutcomes } | null;
  return {
    closed: isClosedCycle(cycle.status),
    outcomes: new Map(
      rows.map((r) => [
        r.milestoneKey,
        obligationOutcome({ ...r, agency: opts.agency, milestone: r.milestoneKey }, stored?.agencies),
      ]),
    ),
  };
}

export type CoordinatorAction = 'extend' | 'waive' | 'remindNow' | 'returnForRevision' | 'accept';

/** Sends a coordinator's action to an agency's workflow; a refusal comes back as its reason. */
export async function coordinatorAction(
  client: Client,
  opts: {
    program: string;
    year: number;
    agency: string;
    action: CoordinatorAction;
    args: Record<string, unknown>;
  },
): Promise<unknown> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  try {
    return await handle.executeUpdate(opts.action, { args: [opts.args] });
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
