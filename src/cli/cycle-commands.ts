import { WorkflowUpdateFailedError, type Client, type UpdateDefinition } from '@temporalio/client';
import { UsageError } from '../config/usage-error';
import type { Database } from '../db/client';
import type { Outcome } from '../reports/consolidated/types';
import {
  cycleStatusSummary,
  isClosedCycle,
  obligationOutcome,
  type CycleStatusSummary,
  type StoredOutcomes,
} from '../reports/cycle-status';
import { agencyWorkflowId, type AgencyObligationsStatus } from '../workflows/obligation-types';
import { refusalOf, translateRefusal } from '../i18n/refusals';
import type { Lang } from '../i18n/lang';
import { statusQuery } from '../workflows/messages/agency-obligations';

export async function agencyStatus(
  client: Client,
  opts: { program: string; year: number; agency: string },
): Promise<AgencyObligationsStatus> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  return await handle.query(statusQuery);
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

/**
 * Sends a coordinator's action (the agency workflow's Update) to an agency's workflow; a refusal comes back
 * as its reason, translated (Vietnamese unless `lang` says otherwise), then the workflow's own English message.
 */
export async function coordinatorAction<Ret, Arg>(
  client: Client,
  opts: {
    program: string;
    year: number;
    agency: string;
    update: UpdateDefinition<Ret, [Arg]>;
    args: Arg;
    lang?: Lang;
  },
): Promise<Ret> {
  const handle = client.workflow.getHandle(agencyWorkflowId(opts.program, opts.year, opts.agency));
  try {
    return await handle.executeUpdate(opts.update, { args: [opts.args] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const message = (err.cause as Error | undefined)?.message ?? err.message;
      const refusal = refusalOf(err);
      const lang = opts.lang ?? 'vi';
      const label = lang === 'vi' ? 'bị từ chối / refused' : 'refused';
      const said = refusal ? `${translateRefusal(refusal, lang)} (workflow: ${message})` : message;
      throw new UsageError(`${label}: ${said}`);
    }
    throw err;
  }
}

export { cancelCycle } from '../cycle/cancel';
