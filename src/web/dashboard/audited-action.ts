// One dashboard action that is not a workflow Update (starting or cancelling a cycle, a schedule's pause,
// resume, trigger or creation): run once per form key, its outcome (done, or refused with the refusal's
// code, values and English message) in the audit log. The same form sent again (a double click, a retry)
// returns the outcome already recorded instead of acting twice; two copies arriving at once share one run.
// A workflow's Update goes through audited-update.ts, which runs it as such an action.
import type { Database } from '../../db/client';
import { refusalDetails } from '../../i18n/refusals';
import type { Refusal } from '../../workflows/refusals';

export interface AuditedAction {
  db: Database;
  /** Audit actor, action and subject, e.g. "coordinator:huong", "cycle.cancel", "cycle:<program>:<year>". */
  actor: string;
  action: string;
  subject: string;
  /** The form's one-time key (kept in the audit details to recognise a form sent again). */
  key: string;
  /** Details recorded with every outcome (besides the key and the outcome). */
  details: Record<string, unknown>;
  /** Why the form was refused before acting, if it was. */
  problem?: Refusal;
  /** The action; resolves to details added to a done outcome. */
  act: () => Promise<Record<string, unknown>>;
  /**
   * The refusal an error of `act` stands for (a coded refusal, or only its English message when the
   * refuser gave no code); undefined for an error to throw (the caller's error page).
   */
  refusalOf: (err: unknown) => Refusal | string | undefined;
}

const inFlight = new Map<string, Promise<number>>();

/** Runs the action once per form key; resolves to the ID of the audit event holding its outcome. */
export function runAuditedAction(a: AuditedAction): Promise<number> {
  const flashKey = `${a.subject}|${a.action}|${a.key}`;
  let running = inFlight.get(flashKey);
  if (!running) {
    running = perform(a).finally(() => inFlight.delete(flashKey));
    inFlight.set(flashKey, running);
  }
  return running;
}

async function perform(a: AuditedAction): Promise<number> {
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
          details: { key: a.key, ...a.details, ...outcome } as object,
        },
      })
    ).id;
  if (a.problem) return record({ outcome: 'refused', ...refusalDetails(a.problem) });
  let done: Record<string, unknown>;
  try {
    done = await a.act();
  } catch (err) {
    const refused = a.refusalOf(err);
    if (refused === undefined) throw err;
    return record({
      outcome: 'refused',
      ...(typeof refused === 'string' ? { refusal: refused } : refusalDetails(refused)),
    });
  }
  return record({ outcome: 'done', ...done });
}
