// One dashboard action on a workflow: its Update under an ID made from the form's one-time key, and its
// outcome (done or refused, with the refusal's code, values and English message) in the audit log. The same form sent again (a double
// click, a retry) returns the outcome already recorded instead of acting twice; two copies arriving at
// once share one run. Used by the coordinators' actions (actions.ts) and the inspectors' (inspections.ts).
import type { Client, UpdateDefinition } from '@temporalio/client';
import type { Database } from '../../db/client';
import { refusalDetails } from '../../i18n/refusals';
import { updateFailureOf } from '../update-failure';
import type { Refusal } from '../../workflows/refusals';

/** `Arg` is the Update's one argument, `Ret` its result. */
export interface AuditedUpdate<Ret, Arg extends object> {
  db: Database;
  temporal: Client;
  /** Audit actor, action and subject, e.g. "coordinator:huong", "obligation.return", "<workflow id>:<milestone>". */
  actor: string;
  action: string;
  subject: string;
  /** The form's one-time key (kept in the audit details to recognise a form sent again). */
  key: string;
  workflowId: string;
  update: UpdateDefinition<Ret, [Arg]>;
  updateId: string;
  /** The Update's argument, or why the form was refused before asking the workflow. */
  prepared: { args: Arg } | { problem: Refusal };
  /** Details recorded with every outcome (besides the key, the arguments and the outcome). */
  details?: Record<string, unknown>;
  /** Details added when the Update returns (e.g. the new due date). */
  detailsOfResult?: (result: Ret) => Record<string, unknown>;
  /** The refusal recorded when the workflow has ended. */
  endedRefusal: Refusal;
}

const inFlight = new Map<string, Promise<number>>();

/** Runs the action once per form key; resolves to the ID of the audit event holding its outcome. */
export function runAuditedUpdate<Ret, Arg extends object>(a: AuditedUpdate<Ret, Arg>): Promise<number> {
  const flashKey = `${a.subject}|${a.action}|${a.key}`;
  let running = inFlight.get(flashKey);
  if (!running) {
    running = perform(a).finally(() => inFlight.delete(flashKey));
    inFlight.set(flashKey, running);
  }
  return running;
}

async function perform<Ret, Arg extends object>(a: AuditedUpdate<Ret, Arg>): Promise<number> {
  const earlier = await a.db.prisma.auditEvent.findMany({
    where: { subject: a.subject, action: a.action },
    orderBy: { id: 'desc' },
    take: 50,
  });
  const same = earlier.find((e) => (e.details as { key?: unknown } | null)?.key === a.key);
  if (same) return same.id;
  const record = async (outcome: Record<string, unknown>) =>
    (
      await a.db.prisma.auditEvent.create({
        data: {
          actor: a.actor,
          action: a.action,
          subject: a.subject,
          details: {
            key: a.key,
            ...a.details,
            ...('args' in a.prepared ? a.prepared.args : {}),
            ...outcome,
          } as object,
        },
      })
    ).id;
  if ('problem' in a.prepared) return record({ outcome: 'refused', ...refusalDetails(a.prepared.problem) });
  try {
    const result = await a.temporal.workflow.getHandle(a.workflowId).executeUpdate(a.update, {
      args: [a.prepared.args],
      updateId: a.updateId,
    });
    return record({ outcome: 'done', ...a.detailsOfResult?.(result) });
  } catch (err) {
    // Refused or ended: recorded as refused. Unknown (Temporal unreachable): the caller's error page.
    const failure = updateFailureOf(err);
    switch (failure.kind) {
      case 'refused':
        return record({
          outcome: 'refused',
          ...(failure.refusal ? refusalDetails(failure.refusal) : { refusal: failure.message }),
        });
      case 'ended':
        return record({ outcome: 'refused', ...refusalDetails(a.endedRefusal) });
      case 'unknown':
        throw err;
    }
  }
}
