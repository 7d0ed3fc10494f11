import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { UsageError } from '../config/usage-error';
import type { Database } from '../db/client';
import { cycleWorkflowId } from '../workflows/cycle-types';
import { agencyWorkflowId, type AgencyObligationsStatus } from '../workflows/obligation-types';

export async function agencyStatus(
  client: Client,
  opts: { program: string; year: number; agency: string },
): Promise<AgencyObligationsStatus> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  return (await handle.query('status')) as AgencyObligationsStatus;
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
