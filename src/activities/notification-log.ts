import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Database } from '../db/client';
import { EmailRejectedError, type Mailer } from '../mail/mailer';

/** One email the engine wants sent, with the business key that makes sending it idempotent. */
export interface NotifyInput {
  /**
   * Unique business key: derived from the workflow ID, the step and the recipient (never from an activity
   * ID, which restarts after continue-as-new). The same key is sent at most once.
   */
  idempotencyKey: string;
  workflowId: string;
  step: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  cycleId?: number;
  agencyId?: number;
  milestoneKey?: string;
  /**
   * The Reply-To of the email, from the id of its log row (the same on every attempt): task emails carry
   * a sub-address whose code names the row, so that a reply is matched to them (src/replies).
   */
  replyTo?: (notificationId: number) => string | undefined;
}

export interface NotifyResult {
  messageId: string;
  /** True when the log already showed this email as sent (a retry or a replayed decision). */
  alreadySent: boolean;
}

/** Error type of a recipient that the SMTP server refused for good: the workflow escalates instead. */
export const PERMANENT_EMAIL_FAILURE = 'PermanentEmailFailure';

/** A Message-ID that is the same on every attempt of the same notification. */
export function deterministicMessageId(idempotencyKey: string, fromAddress: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(fromAddress)?.[1] ?? 'phoihop.invalid';
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}.phoihop@${domain}>`;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === 'P2002';
}

/** What sending one email to each of several recipients came to. */
export interface DeliveryResult {
  delivered: number;
  /** Recipients the SMTP server refused for good: "<label>: <reason>". */
  undeliverable: string[];
}

/**
 * Sends one email to each recipient in turn with `send` (which goes through sendOnce). A recipient the
 * SMTP server refused for good (PermanentEmailFailure) is listed as undeliverable and the others still get
 * theirs; any other failure is thrown, and the activity's retry resends only what the log does not show
 * sent.
 */
export async function sendToEach<R>(
  recipients: readonly R[],
  label: (recipient: R) => string,
  send: (recipient: R) => Promise<unknown>,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { delivered: 0, undeliverable: [] };
  for (const recipient of recipients) {
    try {
      await send(recipient);
      result.delivered++;
    } catch (err) {
      if (!(err instanceof ApplicationFailure && err.type === PERMANENT_EMAIL_FAILURE)) throw err;
      result.undeliverable.push(`${label(recipient)}: ${err.message}`);
    }
  }
  return result;
}

/** Error type of an attempt that found another attempt sending the same email right now. */
export const NOTIFICATION_IN_PROGRESS = 'NotificationInProgress';

/**
 * How long a claim protects an attempt that is sending. Longer than one SMTP attempt can take (the
 * mailer's timeouts add up to one minute), so a live attempt is never overtaken; a claim older than this
 * belongs to an attempt that crashed.
 */
export const CLAIM_LEASE_MS = 2 * 60_000;

/**
 * Sends one email at most once per idempotency key.
 *
 * 1. The log row is created (or found) before anything is sent; a row marked sent short-circuits, a row
 *    marked failed (a permanent refusal) fails again without sending.
 * 2. The attempt claims the row with a conditional update (status pending and no live claim), so two
 *    attempts running at once never both send: the loser fails with a retryable NotificationInProgress
 *    and, on its retry, finds the row sent.
 * 3. A permanent SMTP refusal (5xx) is recorded and raised as a non-retryable failure; a transient one
 *    releases the claim for the next retry.
 *
 * The one window left is a crash after the SMTP server accepted the message and before the row is marked
 * sent: once the lease has expired the retry resends with the same Message-ID, which receiving systems
 * (and Mailpit with --ignore-duplicate-ids) use to drop the duplicate.
 */
export async function sendOnce(
  db: Database,
  mailer: Mailer,
  from: string,
  input: NotifyInput,
): Promise<NotifyResult> {
  const messageId = deterministicMessageId(input.idempotencyKey, from);
  const where = { idempotencyKey: input.idempotencyKey };
  const now = new Date();
  // The common case, a first attempt, in one statement: the row is created already claimed by this attempt.
  let row: { id: number } | null = null;
  let takeoverNote: string | null = null;
  try {
    row = await db.prisma.notification.create({
      data: {
        idempotencyKey: input.idempotencyKey,
        workflowId: input.workflowId,
        step: input.step,
        recipient: input.to,
        messageId,
        cycleId: input.cycleId,
        agencyId: input.agencyId,
        milestoneKey: input.milestoneKey,
        claimedAt: now,
        attempts: 1,
      },
      select: { id: true },
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }

  if (!row) {
    // A retry, or a concurrent attempt: claim the existing row unless it is sent, failed or leased.
    const existing = await db.prisma.notification.findUniqueOrThrow({
      where,
      select: { id: true, claimedAt: true },
    });
    row = existing;
    const claim = await db.prisma.notification.updateMany({
      where: {
        id: row.id,
        status: 'pending',
        OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - CLAIM_LEASE_MS) } }],
      },
      data: { claimedAt: now, attempts: { increment: 1 } },
    });
    // An expired claim that was never released: the attempt that held it stopped while sending (a worker
    // killed), possibly after the SMTP server had accepted the message. Sending again may deliver it twice
    // (same Message-ID): say so in the log row, where operators look.
    if (claim.count === 1 && existing.claimedAt !== null) {
      takeoverNote =
        `resent after an attempt that stopped while sending (claimed at ${existing.claimedAt.toISOString()}); ` +
        'the recipient may have it twice, with the same Message-ID';
    }
    if (claim.count === 0) {
      const current = await db.prisma.notification.findUniqueOrThrow({ where });
      if (current.status === 'sent') return { messageId: current.messageId ?? messageId, alreadySent: true };
      if (current.status === 'failed') {
        throw ApplicationFailure.nonRetryable(
          `email to ${input.to} was refused earlier: ${current.error ?? 'unknown reason'}`,
          PERMANENT_EMAIL_FAILURE,
        );
      }
      throw ApplicationFailure.retryable(
        `another attempt is sending ${input.idempotencyKey} (claimed at ${current.claimedAt?.toISOString()}); ` +
          'this one will look again',
        NOTIFICATION_IN_PROGRESS,
      );
    }
  }

  try {
    await mailer.send({
      to: input.to,
      subject: input.subject,
      text: input.text,
      html: input.html,
      messageId,
      replyTo: input.replyTo?.(row.id),
      headers: { 'X-Phoihop-Key': input.idempotencyKey },
    });
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof EmailRejectedError && err.permanent) {
      await db.prisma.notification.updateMany({
        where: { id: row.id },
        data: { status: 'failed', error: message, claimedAt: null },
      });
      throw ApplicationFailure.nonRetryable(message, PERMANENT_EMAIL_FAILURE);
    }
    await db.prisma.notification.updateMany({
      where: { id: row.id },
      data: { error: message, claimedAt: null },
    });
    throw err;
  }
  // updateMany: the row is not read back (Prisma's update() selects it again: twice the work per email).
  await db.prisma.notification.updateMany({
    where: { id: row.id },
    data: { status: 'sent', sentAt: new Date(), error: takeoverNote, claimedAt: null },
  });
  return { messageId, alreadySent: false };
}
