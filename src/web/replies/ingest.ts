// One message from the replies mailbox, from its bytes to what it comes to: recorded first (InboundMessage,
// unique by Message-ID and by mailbox UID), then matched to the task email it answers (the Reply-To code,
// else In-Reply-To/References against the notification log) and acted on:
// - an automatic answer is recorded on the agency's timeline and never answered;
// - a reply from a contact of the agency becomes a submission exactly as the portal makes one: the files
//   checked by content (UploadBatch), recorded with a receipt number (submission-receipts.ts) and handed to
//   the workflow's `submit` Update under the Update ID `email:<row id>`; the workflow sends the receipt;
// - a task that asks for figures: the sender is sent to the task page;
// - anything else (unknown sender, no match, refused files, a closed task) is held for a coordinator and
//   the sender is told why, in Vietnamese and English.
// Every step is idempotent (content-addressed files, the receipt's Update ID, the notification log's keys),
// so a reader that stops half-way is followed by one that finishes the same row.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Prisma } from '../../generated/prisma-sqlite/client';
import type { Database } from '../../db/client';
import type { Mailer } from '../../mail/mailer';
import type { FilesConfig } from '../../config/files';
import type { LinkConfig } from '../../config/links';
import type { ReplyConfig } from '../../config/replies';
import { sendOnce } from '../../activities/notification-log';
import { contactsInForce } from '../../directory/contacts';
import { UploadBatch, type FileProblem } from '../../files/storage';
import { signTaskToken, taskUrl } from '../../links/task-link';
import { loadProgramVersion } from '../../programs/store';
import { findMilestone } from '../../programs/types';
import { notificationOfAddress } from '../../replies/reply-code';
import { autoReplyReason, citedMessageIds, failedAuthentication, ownText } from '../../replies/classify';
import { bilingual, replyText, type HeldReason } from '../../replies/texts';
import { SUBMISSION_LIMITS, type AttachmentRef } from '../../workflows/obligation-types';
import { localDate } from '../../cycle/clock';
import { formatSize, TEXT } from '../i18n';
import { refusalTextForAgency } from '../update-failure';
import { deliverReceipt, recordReceipt, settleReceipt } from '../agency/submission-receipts';

export interface IngestDeps {
  db: Database;
  temporal: Client;
  mailer: Mailer;
  /** The From of the answers (held, figures) and the domain of their Message-IDs. */
  from: string;
  files: FilesConfig;
  links: LinkConfig;
  replies: ReplyConfig;
  /**
   * The clock that stamps a submission, instead of the mailbox's arrival time (tests: the time-skipping
   * server's, the workflows' clock), as the portal's receiptClock.
   */
  receiptClock?: () => number | Promise<number>;
}

/** Where one message was read: the folder (as "<user>@<host>/<folder>"), its UIDVALIDITY, the UID. */
export interface MailboxPosition {
  mailbox: string;
  uidValidity: bigint;
  uid: bigint;
  /** When the mailbox received it (IMAP INTERNALDATE): the submission's time. */
  receivedAt: Date;
}

export type IngestOutcome =
  /** This call acted on the message (or found it acted on): the reader may mark it done. */
  | { kind: 'done'; id: number; status: string }
  /** Another reader is acting on it now: leave the message as it is. */
  | { kind: 'busy'; id: number };

/** How long a reader's claim on a row protects it (longer than one message's work can take). */
export const INBOUND_LEASE_MS = 5 * 60_000;
/** How long the link in a "use the task page" answer works. */
const ANSWER_LINK_DAYS = 60;

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'P2002';
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
}

function headerText(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') {
    const params = (value as { params?: Record<string, string> }).params ?? {};
    return [value.value, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)].join('; ');
  }
  if (typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  return String(value as unknown);
}

/** The values of every Authentication-Results header of the message (unfolded), from its raw header. */
function authenticationResults(source: Buffer): string[] {
  const end = source.indexOf('\r\n\r\n');
  const head = source
    .subarray(0, end < 0 ? Math.min(source.length, 256 * 1024) : end)
    .toString('latin1')
    .replace(/\r?\n[ \t]+/g, ' ');
  return [...head.matchAll(/^authentication-results:(.*)$/gim)].map((m) => m[1]!.trim());
}

interface Match {
  notificationId: number;
  matchedBy: 'reply-code' | 'in-reply-to' | 'references';
  workflowId: string;
  agencyId: number | null;
  milestoneKey: string | null;
  cycleId: number | null;
}

/** The task email a message answers: the reply code in its recipients first, then the Message-IDs it cites. */
async function matchOf(deps: IngestDeps, mail: ParsedMail): Promise<Match | null> {
  const recipients = [
    ...addressesOf(mail.to),
    ...addressesOf(mail.cc),
    ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((h) =>
      (headerText(mail, h) ?? '').split(/[\s,]+/).filter((a) => a.includes('@')),
    ),
  ];
  const select = { id: true, workflowId: true, agencyId: true, milestoneKey: true, cycleId: true } as const;
  for (const address of recipients) {
    const id = notificationOfAddress(deps.replies, address.replace(/^<|>$/g, ''));
    if (id === null) continue;
    const row = await deps.db.prisma.notification.findUnique({ where: { id }, select });
    if (row) return { notificationId: row.id, matchedBy: 'reply-code', ...rest(row) };
  }
  const cited = citedMessageIds(
    mail.inReplyTo,
    (mail.references as string | string[] | undefined) ?? headerText(mail, 'references'),
  );
  for (const [matchedBy, ids] of [
    ['in-reply-to', cited.inReplyTo],
    ['references', cited.references],
  ] as const) {
    for (const messageId of ids) {
      const row = await deps.db.prisma.notification.findFirst({ where: { messageId }, select });
      if (row) return { notificationId: row.id, matchedBy, ...rest(row) };
    }
  }
  return null;
  function rest(row: {
    workflowId: string;
    agencyId: number | null;
    milestoneKey: string | null;
    cycleId: number | null;
  }) {
    return {
      workflowId: row.workflowId,
      agencyId: row.agencyId,
      milestoneKey: row.milestoneKey,
      cycleId: row.cycleId,
    };
  }
}

type Row = Awaited<ReturnType<Database['prisma']['inboundMessage']['findUniqueOrThrow']>>;

/**
 * Records the message (or finds its row) and claims it for this call. A row already acted on is `done`; a
 * row another reader holds a live claim on is `busy`.
 */
async function recordAndClaim(
  deps: IngestDeps,
  mail: ParsedMail,
  source: Buffer,
  at: MailboxPosition,
): Promise<{ row: Row } | IngestOutcome> {
  const { prisma } = deps.db;
  const messageId =
    mail.messageId?.trim() || `<${createHash('sha256').update(source).digest('hex')}@phoihop.invalid>`;
  const from = mail.from?.value[0];
  const fromAddress = (from?.address ?? '').toLowerCase();
  const subject = (mail.subject ?? '').slice(0, 500);
  const auto = autoReplyReason((name) => headerText(mail, name), subject, fromAddress);
  const now = new Date();
  try {
    const row = await prisma.inboundMessage.create({
      data: {
        messageId,
        mailbox: at.mailbox,
        uidValidity: at.uidValidity,
        uid: at.uid,
        kind: auto ? 'auto_reply' : 'reply',
        fromAddress,
        fromName: from?.name || null,
        subject,
        sentAt: mail.date ?? at.receivedAt,
        heldDetail: auto,
        claimedUntil: new Date(now.getTime() + INBOUND_LEASE_MS),
      },
    });
    return { row };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  // Seen before: under this UID (read again) or under another (the same message delivered twice, moved).
  const existing =
    (await prisma.inboundMessage.findUnique({ where: { messageId } })) ??
    (await prisma.inboundMessage.findUniqueOrThrow({
      where: {
        mailbox_uidValidity_uid: { mailbox: at.mailbox, uidValidity: at.uidValidity, uid: at.uid },
      },
    }));
  if (existing.status !== 'received') return { kind: 'done', id: existing.id, status: existing.status };
  const claim = await prisma.inboundMessage.updateMany({
    where: {
      id: existing.id,
      status: 'received',
      OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }],
    },
    data: { claimedUntil: new Date(now.getTime() + INBOUND_LEASE_MS) },
  });
  if (claim.count === 0) return { kind: 'busy', id: existing.id };
  return { row: await prisma.inboundMessage.findUniqueOrThrow({ where: { id: existing.id } }) };
}

/** Reads one message and does what it comes to (see the file's head). */
export async function ingestMessage(
  deps: IngestDeps,
  source: Buffer,
  at: MailboxPosition,
): Promise<IngestOutcome> {
  const mail = await simpleParser(source, { skipHtmlToText: false });
  const recorded = await recordAndClaim(deps, mail, source, at);
  if ('kind' in recorded) return recorded;
  const { row } = recorded;
  const finish = async (data: Prisma.InboundMessageUpdateInput): Promise<IngestOutcome> => {
    const status = (data.status as string | undefined) ?? 'held';
    await deps.db.prisma.inboundMessage.update({
      where: { id: row.id },
      data: { ...data, processedAt: new Date(), claimedUntil: null },
    });
    return { kind: 'done', id: row.id, status };
  };

  const match = await matchOf(deps, mail);
  const matched = match
    ? {
        notificationId: match.notificationId,
        matchedBy: match.matchedBy,
        workflowId: match.workflowId,
        agencyId: match.agencyId,
        milestoneKey: match.milestoneKey,
      }
    : {};

  // Automatic answers: on the timeline (when they match an agency), never answered.
  if (row.kind === 'auto_reply') return finish({ ...matched, status: 'recorded' });
  // Our own mailbox, or a message without a sender: nobody to answer.
  const own = deps.replies.address && row.fromAddress.endsWith(`@${deps.replies.address.domain}`);
  const hold = async (reason: HeldReason, detail: string, extra: Prisma.InboundMessageUpdateInput = {}) => {
    if (row.fromAddress && !own) await tellHeld(deps, row, reason, detail);
    return finish({ ...matched, ...extra, status: 'held', heldReason: reason, heldDetail: detail });
  };
  const summary = (ownText(mail.text ?? '') || row.subject || '—').slice(0, SUBMISSION_LIMITS.summary);

  if (!match || !match.agencyId || !match.milestoneKey) {
    return hold('no-match', 'no reply code, In-Reply-To or References of a task email', { summary });
  }
  const agency = await deps.db.prisma.agency.findUniqueOrThrow({ where: { id: match.agencyId } });
  const year = /^cycle:[^:]+:(\d{4}):/.exec(match.workflowId)?.[1];
  if (!year || match.milestoneKey === 'inspection') {
    // Recommendation reports and inspection self-assessments are checked by the inspection team.
    return hold('other', 'a reply to an inspection email: a coordinator records it', { summary });
  }
  const contacts = await contactsInForce(deps.db, agency.code, localDate(Date.now()));
  const known = Object.values(contacts ?? {})
    .flat()
    .some((c) => c.email.toLowerCase() === row.fromAddress);
  if (!known) {
    return hold('unknown-sender', `${row.fromAddress} is not a contact of ${agency.code}`, { summary });
  }
  // A From that the receiving servers could not authenticate is not taken as the agency's.
  const failed = failedAuthentication(authenticationResults(source));
  if (failed.length > 0) return hold('auth-failed', failed.join(', '), { summary });

  const cycle = match.cycleId
    ? await deps.db.prisma.cycle.findUnique({
        where: { id: match.cycleId },
        select: { programVersionId: true },
      })
    : null;
  const version = cycle ? await loadProgramVersion(deps.db, { id: cycle.programVersionId }) : null;
  const milestone = version ? findMilestone(version.definition, match.milestoneKey) : null;
  if (milestone && (milestone.figures ?? []).some((f) => f.required)) {
    await tellUsePortal(deps, row, {
      workflowId: match.workflowId,
      agency: agency.code,
      milestone: match.milestoneKey,
      title: milestone.title,
      lang: version!.definition.language,
    });
    return finish({ ...matched, status: 'portal', summary });
  }

  // The files, checked as the portal checks them.
  const lang = version?.definition.language ?? 'vi';
  const t = TEXT[lang];
  const files = mail.attachments.filter((a) => a.contentDisposition !== 'inline' || a.filename);
  if (files.length === 0) return hold('no-files', 'no attachments', { summary });
  const batch = new UploadBatch(deps.files);
  try {
    const problems: { name: string; problem: FileProblem | 'too-many' }[] = [];
    if (files.length > Math.min(deps.files.maxFiles, SUBMISSION_LIMITS.attachments)) {
      problems.push({ name: '', problem: 'too-many' });
    } else {
      for (const file of files) {
        const name = file.filename || 'tep-dinh-kem';
        const staged = await batch.receive(Readable.from(file.content), name);
        if ('problem' in staged) problems.push({ name, problem: staged.problem });
      }
    }
    if (problems.length > 0) {
      await batch.discard();
      const limit = formatSize(deps.files.maxFileBytes, lang);
      const text = problems
        .map((p) =>
          p.problem === 'too-many'
            ? t.tooManyFiles(deps.files.maxFiles, files.length)
            : t.fileProblem(p.name, p.problem, limit),
        )
        .join(' ');
      return hold('files', text, { summary, refusedFiles: problems as unknown as Prisma.InputJsonValue });
    }
    const attachments: AttachmentRef[] = await batch.commit();
    const submittedBy = (row.fromName ? `${row.fromName} <${row.fromAddress}>` : row.fromAddress).slice(
      0,
      SUBMISSION_LIMITS.submittedBy,
    );
    const { row: receipt, created } = await recordReceipt(deps.db, {
      workflowId: match.workflowId,
      updateId: `email:${row.id}`,
      year: Number(year),
      agencyCode: agency.code,
      milestone: match.milestoneKey,
      receivedAt: deps.receiptClock ? new Date(await deps.receiptClock()) : at.receivedAt,
      submittedBy,
      summary,
      attachments,
    });
    await batch.confirm();
    const outcome = created ? await deliverReceipt(deps.temporal, receipt) : undefined;
    if (outcome) await settleReceipt(deps.db, receipt, outcome);
    const refused =
      outcome?.kind === 'refused'
        ? outcome
        : receipt.status === 'refused'
          ? { refusal: undefined, message: receipt.refusalMessage ?? '' }
          : null;
    if (refused) {
      await batch.rollback(
        async (storagePath) => (await deps.db.prisma.attachment.count({ where: { storagePath } })) > 0,
      );
      return hold('closed', refusalTextForAgency(refused, lang), { summary });
    }
    // Delivered, or recorded and waiting for the workflow (the receipt deliverer hands it over): taken.
    return finish({
      ...matched,
      status: 'submitted',
      summary,
      receiptNumber: receipt.receiptNumber,
      attachments: attachments as unknown as Prisma.InputJsonValue,
    });
  } finally {
    await batch.discard();
  }
}

/** The answer to a held message: what happened and what to do, both languages (once: the log's key). */
async function tellHeld(deps: IngestDeps, row: Row, reason: HeldReason, detail: string): Promise<void> {
  const values = (lang: 'vi' | 'en') => ({
    subject: row.subject || '—',
    received: row.sentAt.toISOString().slice(0, 10),
    // ICU select keys take no hyphen: unknown-sender → unknown_sender.
    reason: reason.replace(/-/g, '_'),
    sender: row.fromAddress,
    // The detail is in the program's language when it comes from the catalogs (files, refusals).
    problems: detail,
    lang,
  });
  await sendOnce(deps.db, deps.mailer, deps.from, {
    idempotencyKey: `inbound:${row.messageId}:held`,
    workflowId: 'inbound',
    step: 'held',
    to: row.fromAddress,
    subject: replyText('vi', 'held-subject', values('vi')),
    text: bilingual('vi', (lang) => replyText(lang, 'held-body', values(lang))),
  });
}

/** The answer to a reply for a task with figures: the task page's link. */
async function tellUsePortal(
  deps: IngestDeps,
  row: Row,
  task: {
    workflowId: string;
    agency: string;
    milestone: string;
    title: { vi: string; en: string };
    lang: 'vi' | 'en';
  },
): Promise<void> {
  const token = signTaskToken(
    { cycleId: task.workflowId, agency: task.agency, milestone: task.milestone },
    new Date(Date.now() + ANSWER_LINK_DAYS * 86_400_000),
    deps.links.secret,
  );
  const values = (lang: 'vi' | 'en') => ({
    subject: row.subject || '—',
    milestone: task.title[lang],
    link: taskUrl(deps.links.publicUrl, token),
  });
  await sendOnce(deps.db, deps.mailer, deps.from, {
    idempotencyKey: `inbound:${row.messageId}:portal`,
    workflowId: task.workflowId,
    step: 'reply-portal',
    to: row.fromAddress,
    subject: replyText(task.lang, 'figures-subject', values(task.lang)),
    text: bilingual(task.lang, (lang) => replyText(lang, 'figures-body', values(lang))),
  });
}
