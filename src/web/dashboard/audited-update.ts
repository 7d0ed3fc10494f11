// One dashboard action on a workflow: its Update under an ID made from the form's one-time key, and its
// outcome (done or refused, with the refusal's code, values and English message) in the audit log. The same form sent again (a double
// click, a retry) returns the outcome already recorded instead of acting twice; two copies arriving at
// once share one run (runAuditedAction). Used by the coordinators' actions (actions.ts), the inspectors' (inspections.ts)
// and the today page's.
import type { Client, UpdateDefinition } from '@temporalio/client';
import type { Database } from '../../db/client';
import { updateFailureOf } from '../update-failure';
import type { Refusal } from '../../workflows/refusals';
import { runAuditedAction } from './audited-action';

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

/** Runs the action once per form key; resolves to the ID of the audit event holding its outcome. */
export function runAuditedUpdate<Ret, Arg extends object>(a: AuditedUpdate<Ret, Arg>): Promise<number> {
  return runAuditedAction({
    db: a.db,
    actor: a.actor,
    action: a.action,
    subject: a.subject,
    key: a.key,
    details: { ...a.details, ...('args' in a.prepared ? a.prepared.args : {}) },
    problem: 'problem' in a.prepared ? a.prepared.problem : undefined,
    act: async () => {
      const args = (a.prepared as { args: Arg }).args;
      const result = await a.temporal.workflow
        .getHandle(a.workflowId)
        .executeUpdate(a.update, { args: [args], updateId: a.updateId });
      return a.detailsOfResult?.(result) ?? {};
    },
    // Refused or ended: recorded as refused. Unknown (Temporal unreachable): the caller's error page.
    refusalOf: (err) => {
      const failure = updateFailureOf(err);
      if (failure.kind === 'refused') return failure.refusal ?? failure.message;
      if (failure.kind === 'ended') return a.endedRefusal;
      return undefined;
    },
  });
}
