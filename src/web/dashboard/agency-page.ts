// One agency's page in a cycle: its obligations, and a timeline of emails, submissions and audit events.
import type { Database } from '../../db/client';
import { downloadName } from '../../files/names';
import { cachedProgramVersion } from '../read-cache';
import { cycleInstant, localDate, storedClock, VIETNAM_OFFSET_MS } from '../../cycle/clock';
import { agencyWorkflowId, CONTACT_ROLES_FOR_REMINDER } from '../../workflows/obligation-types';
import { formatDate, stepLabel, type Lang } from '../i18n';
import { storedRefusalText } from '../../i18n/refusals';
import { auditActionLabel, cycleStatusLabel, DASH, groupLabel, stateLabel, type ActionName } from './i18n';
import { cellState } from '../../reports/matrix';

/** dd/mm/yyyy hh:mm in Vietnam's time. */
export function formatDateTime(at: Date): string {
  const local = new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${formatDate(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

/** A completed or cancelled cycle: its workflows have ended, nothing can be done to its obligations. */
export function isCycleClosed(status: string): boolean {
  return status === 'completed' || status === 'cancelled';
}

/** The actions a coordinator may try on an obligation in a read-model status (the workflow decides). */
export function actionsFor(status: string): ActionName[] {
  if (['accepted', 'waived', 'cancelled'].includes(status)) return [];
  if (status === 'submitted') return ['accept', 'return', 'extend', 'waive'];
  if (status === 'pending') return ['extend', 'waive'];
  return ['remind', 'extend', 'waive'];
}

export interface TimelineItem {
  at: number;
  when: string;
  milestone: string;
  kind: 'email' | 'submission' | 'audit' | 'reply';
  what: string;
  detail: string;
  outcome?: 'done' | 'refused';
  figures?: { key: string; label: string; value: string }[];
  attachments?: { id: number; fileName: string; size: string }[];
}

export interface AgencyView {
  cycle: {
    id: number;
    program: string;
    programTitle: string;
    year: number;
    statusLabel: string;
    /** Completed or cancelled: its workflows have ended, so no action is offered. */
    closed: boolean;
  };
  agency: { code: string; name: string; group: string };
  workflowId: string;
  milestones: {
    key: string;
    title: string;
    state: string;
    stateLabel: string;
    due: string;
    dueIso: string;
    lateBy?: string;
    flagged: boolean;
    actions: ActionName[];
  }[];
  timeline: TimelineItem[];
  /** The recipients' task links of the agency in the cycle (newest first). */
  links: {
    id: number;
    recipient: string;
    milestone: string;
    kid: string;
    issued: string;
    live: boolean;
    state: string;
    reason?: string;
    /**
     * The agency's own person's link (focal point, head, deputy) on a milestone that takes a reminder now:
     * a coordinator can send them a fresh one (a reminder to them, with their link in force).
     */
    resendable: boolean;
  }[];
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What an audit event's details say, for the timeline (reason, dates, refusal). */
function auditDetail(details: unknown, lang: Lang): { text: string; outcome?: 'done' | 'refused' } {
  const d = (details && typeof details === 'object' ? details : {}) as Record<string, unknown>;
  const w = DASH[lang];
  const parts: string[] = [];
  if (typeof d.recipient === 'string' && d.recipient) parts.push(`${w.linkRecipient}: ${d.recipient}`);
  if (typeof d.reason === 'string' && d.reason) parts.push(`${w.reason}: ${d.reason}`);
  if (typeof d.until === 'string' && d.until) parts.push(`${w.newDate}: ${formatDate(d.until)}`);
  if (typeof d.due === 'string' && d.due && d.outcome === 'done')
    parts.push(`${w.due}: ${formatDate(d.due)}`);
  const refusal = storedRefusalText(d, lang);
  if (refusal !== undefined) parts.push(`${w.refused}: ${refusal}`);
  const outcome = d.outcome === 'done' || d.outcome === 'refused' ? d.outcome : undefined;
  return { text: parts.join(' · '), outcome };
}

export async function loadAgencyView(
  db: Database,
  cycleId: number,
  code: string,
  lang: Lang,
): Promise<AgencyView | undefined> {
  const cycle = await db.prisma.cycle.findUnique({ where: { id: cycleId }, include: { program: true } });
  const agency = await db.prisma.agency.findUnique({ where: { code } });
  if (!cycle || !agency) return undefined;
  const obligations = await db.prisma.obligation.findMany({
    where: { cycleId, agencyId: agency.id },
    include: { submissions: { include: { attachments: true }, orderBy: { submittedAt: 'asc' } } },
  });
  if (obligations.length === 0) return undefined;
  const { definition } = await cachedProgramVersion(db, cycle.programVersionId);
  // Emails and audit events are stamped in real time; they are shown in the cycle's calendar (submissions
  // are recorded in it already), so a compressed cycle's timeline reads as its year.
  const clock = storedClock(cycle.clock);
  const workflowId = agencyWorkflowId(cycle.program.code, cycle.year, agency.code);
  const notifications = await db.prisma.notification.findMany({
    // By workflow ID: the notification log does not fill in its agencyId column.
    where: { cycleId, workflowId },
    orderBy: { id: 'asc' },
  });
  const audits = await db.prisma.auditEvent.findMany({
    where: { subject: { in: obligations.map((o) => `${workflowId}:${o.milestoneKey}`) } },
    orderBy: { id: 'asc' },
  });
  const order = definition.milestones.map((m) => m.key);
  obligations.sort(
    (a, b) => (order.indexOf(a.milestoneKey) + 1 || 1e9) - (order.indexOf(b.milestoneKey) + 1 || 1e9),
  );
  const titleOf = (key: string) => definition.milestones.find((m) => m.key === key)?.title[lang] ?? key;
  const w = DASH[lang];

  const milestones = obligations.map((o) => {
    const state = cellState(
      o.status,
      notifications
        .filter((n) => n.milestoneKey === o.milestoneKey && n.status === 'sent')
        .map((n) => n.step),
    );
    const dueIso = localDate(o.dueAt.getTime());
    return {
      key: o.milestoneKey,
      title: titleOf(o.milestoneKey),
      state,
      stateLabel: stateLabel(state, lang),
      due: formatDate(dueIso),
      dueIso,
      lateBy: o.lateByWorkingDays ? w.lateDays(o.lateByWorkingDays) : undefined,
      flagged: o.flagged,
      actions: actionsFor(o.status),
    };
  });

  const timeline: TimelineItem[] = [];
  for (const n of notifications) {
    // A pending email shows once an attempt has failed (the mail server down): the delay is visible here.
    if (n.status === 'pending' && !n.error) continue;
    const at = new Date(cycleInstant(clock, (n.sentAt ?? n.createdAt).getTime()));
    const what =
      n.status === 'sent' ? w.emailSent : n.status === 'failed' ? w.emailFailed : w.emailRetrying(n.attempts);
    timeline.push({
      at: at.getTime(),
      when: formatDateTime(at),
      milestone: titleOf(n.milestoneKey ?? ''),
      kind: 'email',
      what: `${what}: ${stepLabel(n.step, lang)}`,
      detail: n.status !== 'sent' && n.error ? `${n.recipient} — ${n.error}` : n.recipient,
    });
  }
  for (const o of obligations) {
    const figureDefs = definition.milestones.find((m) => m.key === o.milestoneKey)?.figures ?? [];
    for (const s of o.submissions) {
      const figures = Object.entries((s.figures ?? {}) as Record<string, unknown>).map(([key, value]) => ({
        key,
        label: figureDefs.find((f) => f.key === key)?.label[lang] ?? key,
        value: String(value),
      }));
      timeline.push({
        at: s.submittedAt.getTime(),
        when: formatDateTime(s.submittedAt),
        milestone: titleOf(o.milestoneKey),
        kind: 'submission',
        what: `${w.submission} — ${w.receipt} ${s.receiptNumber}`,
        detail: `${w.submittedBy}: ${s.submittedBy}. ${s.summary}`,
        figures,
        attachments: s.attachments.map((a) => ({
          id: a.id,
          fileName: downloadName(a.fileName, a.storagePath),
          size: fileSize(a.sizeBytes),
        })),
      });
    }
  }
  // Replies and automatic answers read from the replies mailbox (src/web/replies).
  const inbound = await db.prisma.inboundMessage.findMany({ where: { workflowId }, orderBy: { id: 'asc' } });
  for (const m of inbound) {
    const held = m.status === 'held' && m.heldReason ? ` — ${w.inboundHeld(m.heldReason)}` : '';
    timeline.push({
      at: m.createdAt.getTime(),
      when: formatDateTime(m.createdAt),
      milestone: titleOf(m.milestoneKey ?? ''),
      kind: 'reply',
      what: `${w.inbound(m.kind, m.status)}${held}${m.receiptNumber ? ` — ${w.receipt} ${m.receiptNumber}` : ''}`,
      detail: [m.fromAddress, m.subject, m.heldDetail, m.reviewNote].filter(Boolean).join(' — '),
      ...(m.status === 'held' || m.status === 'rejected' ? { outcome: 'refused' as const } : {}),
    });
  }
  for (const a of audits) {
    const milestone = a.subject.slice(workflowId.length + 1);
    const { text, outcome } = auditDetail(a.details, lang);
    timeline.push({
      at: cycleInstant(clock, a.at.getTime()),
      when: formatDateTime(new Date(cycleInstant(clock, a.at.getTime()))),
      milestone: titleOf(milestone),
      kind: 'audit',
      what: `${auditActionLabel(a.action, lang)} (${a.actor})`,
      detail: text,
      outcome,
    });
  }
  timeline.sort((a, b) => a.at - b.at);

  const links = (
    await db.prisma.taskLink.findMany({
      where: { cycleId, agencyCode: agency.code },
      orderBy: { id: 'desc' },
    })
  ).map((l) => ({
    id: l.id,
    recipient: l.recipient,
    milestone: titleOf(l.milestone),
    kid: l.kid,
    issued: formatDateTime(l.issuedAt),
    live: l.revokedAt === null,
    state: l.revokedAt ? w.linkRevokedAt(formatDateTime(l.revokedAt), l.revokedBy ?? '') : w.linkLive,
    reason: l.revokedReason ?? undefined,
    resendable:
      (CONTACT_ROLES_FOR_REMINDER as readonly string[]).includes(l.role) &&
      (milestones.find((m) => m.key === l.milestone)?.actions.includes('remind') ?? false) &&
      !isCycleClosed(cycle.status),
  }));

  return {
    cycle: {
      id: cycle.id,
      program: cycle.program.code,
      programTitle: definition.title[lang],
      year: cycle.year,
      statusLabel: cycleStatusLabel(cycle.status, lang),
      closed: isCycleClosed(cycle.status),
    },
    agency: {
      code: agency.code,
      name: lang === 'en' && agency.nameEn ? agency.nameEn : agency.name,
      group: groupLabel(agency.group, lang),
    },
    workflowId,
    milestones,
    timeline,
    links,
  };
}
