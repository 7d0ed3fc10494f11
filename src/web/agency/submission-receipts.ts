// The portal's durable receipt of a submission: recorded in the database when the form arrives (before the
// workflow is asked), numbered there, then delivered to the agency workflow's `submit` Update under the
// form's Update ID until the workflow has answered. Whatever Temporal or the worker is doing, the agency
// gets its receipt number at once, and the submission's time is the time it arrived (receipt-time patch).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Prisma } from '../../generated/prisma-sqlite/client';
import type { Database } from '../../db/client';
import { submitUpdate } from '../../workflows/messages/agency-obligations';
import type { AttachmentRef, SubmitInput } from '../../workflows/obligation-types';
import { isRefusalCode, type Refusal } from '../../workflows/refusals';
import { updateFailureOf } from '../update-failure';

/** How long the portal waits for the workflow before it answers "received, the review will follow". */
export const DELIVERY_DEADLINE_MS = 5_000;
/** A claim outlives one delivery attempt by far; a lapsed one (a crashed process) may be taken over. */
export const CLAIM_LEASE_MS = 60_000;
/** Backoff between attempts: 2 s, doubling, at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/** This process, as it signs its claims. */
export const PROCESS_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export type ReceiptRow = Awaited<ReturnType<Database['prisma']['submissionReceipt']['findFirstOrThrow']>>;

export interface NewReceipt {
  workflowId: string;
  updateId: string;
  year: number;
  agencyCode: string;
  milestone: string;
  receivedAt: Date;
  submittedBy: string;
  summary: string;
  figures?: Record<string, number>;
  attachments?: AttachmentRef[];
  /** The recipient's link (TaskLink id) the form came through, when the token named one. */
  taskLinkId?: number;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'P2002';
}

/** The highest n among receipt numbers `<prefix><n>`. */
function highest(numbers: { receiptNumber: string }[], prefix: string): number {
  let max = 0;
  for (const { receiptNumber } of numbers) {
    const n = Number(receiptNumber.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max;
}

/**
 * Records a submission (claimed by this process, for its own first delivery), or finds the one already
 * recorded under the same Update ID (a double post): `created` says which. The receipt number is
 * `<year>-<agency>-<milestone>-<n>`, n one past the highest used by a receipt or a stored submission
 * (those made before receipts existed included); two requests that pick the same n meet the unique index
 * and the later one picks again.
 */
export async function recordReceipt(
  db: Database,
  receipt: NewReceipt,
): Promise<{ row: ReceiptRow; created: boolean }> {
  const { prisma } = db;
  const prefix = `${receipt.year}-${receipt.agencyCode}-${receipt.milestone}-`;
  const existing = () =>
    prisma.submissionReceipt.findUnique({
      where: { workflowId_updateId: { workflowId: receipt.workflowId, updateId: receipt.updateId } },
    });
  for (let attempt = 0; ; attempt++) {
    const found = await existing();
    if (found) return { row: found, created: false };
    const [receipts, submissions] = await Promise.all([
      prisma.submissionReceipt.findMany({
        where: { receiptNumber: { startsWith: prefix } },
        select: { receiptNumber: true },
      }),
      prisma.submission.findMany({
        where: { receiptNumber: { startsWith: prefix } },
        select: { receiptNumber: true },
      }),
    ]);
    const sequence = Math.max(highest(receipts, prefix), highest(submissions, prefix)) + 1;
    try {
      const row = await prisma.submissionReceipt.create({
        data: {
          workflowId: receipt.workflowId,
          updateId: receipt.updateId,
          agencyCode: receipt.agencyCode,
          milestoneKey: receipt.milestone,
          receiptNumber: `${prefix}${sequence}`,
          sequence,
          receivedAt: receipt.receivedAt,
          submittedBy: receipt.submittedBy,
          summary: receipt.summary,
          figures: receipt.figures && Object.keys(receipt.figures).length > 0 ? receipt.figures : undefined,
          attachments: receipt.attachments?.length
            ? (receipt.attachments as unknown as Prisma.InputJsonValue)
            : undefined,
          taskLinkId: receipt.taskLinkId ?? null,
          nextAttemptAt: receipt.receivedAt,
          claimedBy: PROCESS_ID,
          claimedUntil: new Date(Date.now() + CLAIM_LEASE_MS),
        },
      });
      return { row, created: true };
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 5) throw err;
    }
  }
}

/** A receipt of the same milestone still waiting for the workflow, under another form key. */
export function otherPendingReceipt(
  db: Database,
  workflowId: string,
  milestone: string,
  updateId: string,
): Promise<ReceiptRow | null> {
  return db.prisma.submissionReceipt.findFirst({
    where: { workflowId, milestoneKey: milestone, status: 'pending', NOT: { updateId } },
  });
}

/** The Update's argument, rebuilt from the row: what the agency sent, its receipt number and time. */
export function submitInputOf(row: ReceiptRow): SubmitInput {
  const figures = row.figures as Record<string, number> | null;
  const attachments = row.attachments as unknown as AttachmentRef[] | null;
  return {
    milestone: row.milestoneKey,
    submittedBy: row.submittedBy,
    summary: row.summary,
    ...(figures && Object.keys(figures).length > 0 ? { figures } : {}),
    ...(attachments?.length ? { attachments } : {}),
    receivedAt: row.receivedAt.getTime(),
    receiptNumber: row.receiptNumber,
  };
}

export type DeliveryOutcome =
  | { kind: 'delivered'; lateByWorkingDays: number }
  /** The workflow refused it (or has ended: `workflow-ended`), so it never will take it. */
  | { kind: 'refused'; refusal: Refusal | undefined; message: string }
  /** Temporal unreachable, the worker down or slow: try again later (same Update ID). */
  | { kind: 'unknown'; error: string };

/** One attempt to have the workflow take the receipt, waited for at most `deadlineMs`. */
export async function deliverReceipt(
  temporal: Client,
  row: ReceiptRow,
  deadlineMs = DELIVERY_DEADLINE_MS,
): Promise<DeliveryOutcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      temporal.withDeadline(Date.now() + deadlineMs, () =>
        temporal.workflow.getHandle(row.workflowId).executeUpdate(submitUpdate, {
          args: [submitInputOf(row)],
          updateId: row.updateId,
        }),
      ),
      // The connection's own deadline covers the calls; this covers waiting for a connection.
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs + 1_000);
      }),
    ]);
    return { kind: 'delivered', lateByWorkingDays: result.lateByWorkingDays };
  } catch (err) {
    const failure = updateFailureOf(err);
    if (failure.kind === 'refused') return failure;
    if (failure.kind === 'ended') {
      return {
        kind: 'refused',
        refusal: {
          code: 'workflow-ended',
          values: { workflow: 'agency' },
          message: 'the workflow has ended',
        },
        message: 'the workflow has ended',
      };
    }
    return { kind: 'unknown', error: (err as Error | undefined)?.message ?? String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Writes an attempt's outcome on the row this process claimed, and lets the claim go. */
export async function settleReceipt(db: Database, row: ReceiptRow, outcome: DeliveryOutcome): Promise<void> {
  const attempts = row.attempts + 1;
  const now = new Date();
  const data: Prisma.SubmissionReceiptUpdateManyMutationInput =
    outcome.kind === 'delivered'
      ? {
          status: 'delivered',
          deliveredAt: now,
          lateByWorkingDays: outcome.lateByWorkingDays,
          lastError: null,
        }
      : outcome.kind === 'refused'
        ? {
            status: 'refused',
            refusalCode: outcome.refusal?.code ?? null,
            refusalValues: (outcome.refusal?.values ?? undefined) as Prisma.InputJsonValue | undefined,
            refusalMessage: outcome.message,
          }
        : {
            lastError: outcome.error.slice(0, 1000),
            nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
          };
  await db.prisma.submissionReceipt.updateMany({
    where: { id: row.id, claimedBy: PROCESS_ID },
    data: { ...data, attempts, claimedBy: null, claimedUntil: null },
  });
}

/**
 * Claims a pending receipt that is due for another attempt and not claimed by a live process. True when
 * this process got it: two web processes never deliver the same receipt at once.
 */
export async function claimReceipt(db: Database, id: number): Promise<boolean> {
  const now = new Date();
  const { count } = await db.prisma.submissionReceipt.updateMany({
    where: {
      id,
      status: 'pending',
      nextAttemptAt: { lte: now },
      OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }],
    },
    data: { claimedBy: PROCESS_ID, claimedUntil: new Date(now.getTime() + CLAIM_LEASE_MS) },
  });
  return count === 1;
}

/** Receipts due for another attempt, oldest first. */
export function dueReceipts(db: Database, limit: number): Promise<ReceiptRow[]> {
  const now = new Date();
  return db.prisma.submissionReceipt.findMany({
    where: {
      status: 'pending',
      nextAttemptAt: { lte: now },
      OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }],
    },
    orderBy: { receivedAt: 'asc' },
    take: limit,
  });
}

/** The refusal stored on a refused receipt, as the catalogs translate it (undefined: an uncoded one). */
export function refusalOfRow(row: ReceiptRow): Refusal | undefined {
  if (!row.refusalCode || !isRefusalCode(row.refusalCode)) return undefined;
  return {
    code: row.refusalCode,
    values: (row.refusalValues ?? {}) as never,
    message: row.refusalMessage ?? '',
  } as Refusal;
}
