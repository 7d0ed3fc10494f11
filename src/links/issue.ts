// Per-recipient task links: each person a task email goes to gets a link of their own (a TaskLink row
// whose id the token carries), so that one person's link can be withdrawn (a coordinator's revocation, a
// contact replaced in the directory) without touching anyone else's. Issued by the activities that send
// task emails and by the dashboard's "resend"; checked by the portal on every use.
import type { Database } from '../db/client';
import type { ContactsInForce } from '../directory/contacts';
import { localDate } from '../cycle/clock';
import { signTaskToken, TaskLinkError, type LinkKeyring, type TaskScope } from './task-link';

/** The task a link opens, as the emails know it. */
export interface LinkTask {
  /** The agency workflow, e.g. "cycle:dien-bien-kh99:2027:SOYT" (the token's cycle). */
  workflowId: string;
  /** The Cycle row's id. */
  cycleId: number;
  agencyCode: string;
  milestone: string;
}

export interface LinkRecipient {
  email: string;
  /** focal_point, head, deputy (directory roles) or coordinators, leadership (program roles). */
  role: string;
}

/** Roles taken from the directory: a link of such a recipient lasts as long as they are a contact. */
const DIRECTORY_ROLES = new Set(['focal_point', 'head', 'deputy']);

/**
 * The recipient's link to the task, signed with the current key: the recipient's live link under that key
 * if there is one (so a retried email, and every later email, carries the same link), else a new one. A
 * later expiry (an extended cycle) is written to the row.
 */
export async function issueTaskLink(
  db: Pick<Database, 'prisma'>,
  task: LinkTask,
  recipient: LinkRecipient,
  expiresAt: Date,
  keys: LinkKeyring,
): Promise<{ id: number; token: string }> {
  const email = recipient.email.toLowerCase();
  const kid = keys.current.id;
  const where = {
    workflowId: task.workflowId,
    milestone: task.milestone,
    recipient: email,
    kid,
    revokedAt: null,
  };
  let row = await db.prisma.taskLink.findFirst({ where, orderBy: { id: 'desc' } });
  if (!row) {
    row = await db.prisma.taskLink.create({
      data: {
        workflowId: task.workflowId,
        cycleId: task.cycleId,
        agencyCode: task.agencyCode,
        milestone: task.milestone,
        recipient: email,
        role: recipient.role,
        kid,
        expiresAt,
      },
    });
  } else if (row.expiresAt.getTime() < expiresAt.getTime()) {
    await db.prisma.taskLink.updateMany({ where: { id: row.id }, data: { expiresAt } });
  }
  const scope: TaskScope = {
    cycleId: task.workflowId,
    agency: task.agencyCode,
    milestone: task.milestone,
    linkId: row.id,
  };
  return { id: row.id, token: signTaskToken(scope, expiresAt, keys.current) };
}

/**
 * Checks the link a verified token names: it must exist for the token's task, not be revoked, and (for an
 * agency contact) its recipient must still be a contact of the agency in the directory in force today (a
 * replaced or removed contact's links stop working at once, also for an edit dated today). A token
 * without a link id (issued before links were per recipient) has nothing to look up.
 */
export async function checkTaskLink(
  db: Pick<Database, 'prisma'>,
  contacts: ContactsInForce,
  scope: TaskScope,
  now: number = Date.now(),
): Promise<void> {
  if (scope.linkId === undefined) return;
  const row = await db.prisma.taskLink.findUnique({ where: { id: scope.linkId } });
  if (
    !row ||
    row.workflowId !== scope.cycleId ||
    row.agencyCode !== scope.agency ||
    row.milestone !== scope.milestone
  ) {
    throw new TaskLinkError('revoked', `link ${scope.linkId} is not a link of this task`);
  }
  if (row.revokedAt) {
    throw new TaskLinkError('revoked', `link ${row.id} was revoked on ${row.revokedAt.toISOString()}`);
  }
  if (!DIRECTORY_ROLES.has(row.role)) return;
  const inForce = await contacts.forAgency(row.agencyCode, localDate(now));
  // An agency no longer in the directory (dissolved mid-cycle) keeps the contacts its cycle started with.
  if (inForce === null) return;
  const still = Object.values(inForce).some((list) =>
    (list ?? []).some((c) => c.email.toLowerCase() === row.recipient),
  );
  if (!still) {
    throw new TaskLinkError('revoked', `${row.recipient} is no longer a contact of ${row.agencyCode}`);
  }
}

/** Revokes one link (idempotent: a revoked link keeps its first revocation). True when it was live. */
export async function revokeTaskLink(
  db: Pick<Database, 'prisma'>,
  id: number,
  by: string,
  reason: string,
  at = new Date(),
): Promise<boolean> {
  const { count } = await db.prisma.taskLink.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: at, revokedBy: by, revokedReason: reason },
  });
  return count === 1;
}
