import type { Client, WorkflowHandle } from '@temporalio/client';
import { agencyWorkflowId, type AgencyObligationsStatus } from '../workflows/obligation-types';
import { acceptUpdate, statusQuery, submitUpdate } from '../workflows/messages/agency-obligations';

/** How a simulated agency behaves: answers when asked, answers only once it is overdue, or never. */
export type Behaviour = 'on-time' | 'late' | 'never';

export interface SimulationOptions {
  program: string;
  year: number;
  /** The agencies to play and how each behaves (per milestone, or one behaviour for all). */
  agencies: Map<string, Behaviour | ((milestone: string) => Behaviour)>;
  /** Resolves when the simulation should stop (e.g. the cycle workflow's result). */
  until: Promise<unknown>;
  /** The coordinator accepts every submission (default true). */
  accept?: boolean;
  pollMs?: number;
  onAction?: (line: string) => void;
}

/**
 * Plays agencies against a running cycle, as people would through the portal: it reads each agency's
 * status and submits (through the `submit` Update) when its behaviour says so; the coordinator accepts.
 * Used by the demo and by the end-to-end test.
 */
export async function simulateAgencies(client: Client, options: SimulationOptions): Promise<number> {
  let done = false;
  void options.until.finally(() => (done = true));
  const acted = new Set<string>();
  let actions = 0;
  async function play(
    code: string,
    behaviourOf: Behaviour | ((milestone: string) => Behaviour),
  ): Promise<void> {
    const handle = client.workflow.getHandle(
      agencyWorkflowId(options.program, options.year, code),
    ) as WorkflowHandle;
    let status: AgencyObligationsStatus;
    try {
      status = await handle.query(statusQuery);
    } catch {
      return; // not started yet, or already finished
    }
    // The moment the agency sends its answer, as the portal stamps it: the workflow counts lateness and
    // the ladder steps reached from it, not from when a busy worker handles the Update.
    const sentAt = Date.now();
    for (const o of status.obligations) {
      const behaviour = typeof behaviourOf === 'function' ? behaviourOf(o.milestone) : behaviourOf;
      const ready =
        behaviour === 'on-time'
          ? o.stage === 'requested' || o.stage === 'reminded'
          : behaviour === 'late'
            ? o.stage === 'overdue' || o.stage === 'escalated'
            : false;
      const key = `${code}:${o.milestone}:${o.round}`;
      if (!ready || acted.has(key)) continue;
      acted.add(key);
      try {
        const receipt = await handle.executeUpdate(submitUpdate, {
          args: [
            {
              milestone: o.milestone,
              submittedBy: status.agency.name,
              summary: `${o.milestone} ${options.year}`,
              receivedAt: sentAt,
            },
          ],
        });
        actions++;
        options.onAction?.(
          `${code} nộp ${o.milestone} (${receipt.receiptNumber}${receipt.lateByWorkingDays ? `, muộn ${receipt.lateByWorkingDays} ngày làm việc` : ''})`,
        );
        if (options.accept ?? true) {
          await handle.executeUpdate(acceptUpdate, {
            args: [{ milestone: o.milestone, by: 'coordinator:demo' }],
          });
        }
      } catch (err) {
        const reason = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
        options.onAction?.(`${code} ${o.milestone}: ${reason}`);
      }
    }
  }

  // Every agency is looked at in parallel, as real agencies act independently.
  while (!done) {
    await Promise.all([...options.agencies].map(([code, behaviourOf]) => play(code, behaviourOf)));
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
  return actions;
}
