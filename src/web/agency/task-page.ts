import type { Database } from '../../db/client';
import { downloadName } from '../../files/names';
import { cachedCycleCalendar, cachedProgramVersion } from '../read-cache';
import { cycleInstant, localDate, storedClock } from '../../cycle/clock';
import type { IsoDate } from '../../calendar/dates';
import type { TaskScope } from '../../links/task-link';
import { formatDate, formatFigure, formatSize, statusLabel, stepLabel, TEXT, type Lang } from '../i18n';
import type { FigureDefinition } from './figures';
import { translateRefusal } from '../../i18n/refusals';
import { refusalOfRow } from './submission-receipts';
import { localDateTime } from '../../workflows/agency-obligations/receipt-time';

/** What the task page shows; built from the read model (database), never from the link alone. */
export interface TaskView {
  /** "Kế hoạch triển khai năm 2027" / "Annual implementation plan 2027". */
  heading: string;
  milestoneTitle: string;
  year: number;
  agencyName: string;
  programTitle: string;
  documentNumber: string;
  due: string;
  dueNote?: string;
  late: boolean;
  status: string;
  /** The read model's status key (requested, overdue, submitted, ...). */
  statusKey: string;
  submittedAt?: string;
  emails: { date: string; kind: string; recipient: string }[];
  /** The figures the milestone asks for (the form's fields). */
  figureFields: { key: string; label: string; unit?: string; required: boolean; type: string }[];
  /** The program's definitions of those figures (to check the form). */
  figureDefinitions: FigureDefinition[];
  /** Every submission made, oldest first. */
  submissions: {
    receiptNumber: string;
    date: string;
    submittedBy: string;
    review: string;
    reviewNote?: string;
    figures: { label: string; value: string }[];
    attachments: { fileName: string; size: string }[];
  }[];
  /** When the last submission was returned: the coordinator's reason (the new due date is `due`). */
  returned?: { reason: string; receiptNumber: string };
  /**
   * Submissions the portal recorded that the workflow has not taken (yet): waiting for delivery, or
   * refused when delivered. A waiting one closes the form (the workflow would refuse a second).
   */
  receipts: { receiptNumber: string; pending: boolean; text: string }[];
  /** Extension requests the agency sent from the page. */
  extensionRequests: { date: string; until: string; requestedBy: string; reason: string; text: string }[];
}

/** `cycle:<program>:<year>:<agency>`, the agency workflow ID a link names. */
function parseWorkflowId(id: string): { program: string; year: number; agency: string } | undefined {
  const m = /^cycle:([^:]+):(\d{4}):([^:]+)$/.exec(id);
  return m ? { program: m[1]!, year: Number(m[2]), agency: m[3]! } : undefined;
}

/** The task a verified link points at, or undefined when the database does not know it. */
export async function loadTaskView(
  db: Database,
  scope: TaskScope,
  lang: Lang,
  options: { holidaysDir: string; today?: IsoDate; nowMs?: number },
): Promise<TaskView | undefined> {
  const ids = parseWorkflowId(scope.cycleId);
  if (!ids || ids.agency !== scope.agency) return undefined;
  const obligation = await db.prisma.obligation.findFirst({
    where: {
      milestoneKey: scope.milestone,
      agency: { code: scope.agency },
      cycle: { year: ids.year, program: { code: ids.program } },
    },
    include: { agency: true, cycle: true },
  });
  if (!obligation) return undefined;
  const { definition } = await cachedProgramVersion(db, obligation.cycle.programVersionId);
  const milestone = definition.milestones.find((m) => m.key === scope.milestone);
  const calendar = cachedCycleCalendar(ids.year, options.holidaysDir);
  const due = localDate(obligation.dueAt.getTime());
  // The cycle's calendar: in compressed time (the demo) its "today" and its emails' dates, not the real ones.
  const clock = storedClock(obligation.cycle.clock);
  const today = clock
    ? localDate(cycleInstant(clock, options.nowMs ?? Date.now()))
    : (options.today ?? localDate(options.nowMs ?? Date.now()));
  const open = ['requested', 'overdue', 'returned', 'pending'].includes(obligation.status);
  let dueNote: string | undefined;
  let late = false;
  if (open && calendar.covers(today) && calendar.covers(due)) {
    if (today <= due) dueNote = TEXT[lang].daysLeft(calendar.workingDaysBetween(today, due));
    else {
      late = true;
      dueNote = TEXT[lang].daysLate(calendar.workingDaysBetween(due, today));
    }
  }
  const emails = await db.prisma.notification.findMany({
    where: { workflowId: scope.cycleId, status: 'sent', step: { startsWith: `${scope.milestone}:` } },
    orderBy: { id: 'asc' },
  });
  const milestoneTitle = milestone?.title[lang] ?? scope.milestone;
  const figureDefinitions = milestone?.figures ?? [];
  const t = TEXT[lang];
  const submissions = await db.prisma.submission.findMany({
    where: { obligationId: obligation.id },
    include: { attachments: { orderBy: { id: 'asc' } } },
    orderBy: { id: 'asc' },
  });
  const last = submissions.at(-1);
  const receipts = await db.prisma.submissionReceipt.findMany({
    where: {
      workflowId: scope.cycleId,
      milestoneKey: scope.milestone,
      status: { in: ['pending', 'refused'] },
    },
    orderBy: { id: 'asc' },
  });
  const audits = await db.prisma.auditEvent.findMany({
    where: { subject: `${scope.cycleId}:${scope.milestone}`, action: 'obligation.request-extension' },
    orderBy: { id: 'asc' },
  });
  return {
    heading: lang === 'vi' ? `${milestoneTitle} năm ${ids.year}` : `${milestoneTitle} ${ids.year}`,
    milestoneTitle,
    year: ids.year,
    agencyName: lang === 'en' ? (obligation.agency.nameEn ?? obligation.agency.name) : obligation.agency.name,
    programTitle: definition.title[lang],
    documentNumber: definition.document.number,
    due: formatDate(due),
    dueNote,
    late,
    status: statusLabel(obligation.status, lang),
    statusKey: obligation.status,
    submittedAt: obligation.submittedAt ? formatDate(localDate(obligation.submittedAt.getTime())) : undefined,
    emails: emails.map((e) => ({
      date: formatDate(localDate(cycleInstant(clock, (e.sentAt ?? e.createdAt).getTime()))),
      kind: stepLabel(e.step, lang),
      recipient: e.recipient,
    })),
    figureFields: figureDefinitions.map((f) => ({
      key: f.key,
      label: f.label[lang],
      unit: f.unit?.[lang],
      required: f.required,
      type: f.type,
    })),
    figureDefinitions,
    submissions: submissions.map((s) => {
      const figures = (s.figures ?? {}) as Record<string, number>;
      return {
        receiptNumber: s.receiptNumber,
        date: formatDate(localDate(s.submittedAt.getTime())),
        submittedBy: s.submittedBy,
        review: t.submissionStatus[s.status],
        reviewNote: s.reviewNote ?? undefined,
        figures: Object.entries(figures).map(([key, value]) => {
          const def = figureDefinitions.find((f) => f.key === key);
          const unit = def?.unit?.[lang];
          return {
            label: def?.label[lang] ?? key,
            value: `${formatFigure(value, lang)}${unit ? (unit === '%' ? '%' : ` ${unit}`) : ''}`,
          };
        }),
        attachments: s.attachments.map((a) => ({
          fileName: downloadName(a.fileName, a.storagePath),
          size: formatSize(a.sizeBytes, lang),
        })),
      };
    }),
    returned:
      obligation.status === 'returned' && last?.status === 'returned'
        ? { reason: last.reviewNote ?? '', receiptNumber: last.receiptNumber }
        : undefined,
    receipts: receipts.map((r) => {
      const [date, time] = localDateTime(r.receivedAt.getTime()).split(' ');
      const at = `${time} ${formatDate(date!)}`;
      if (r.status === 'pending')
        return { receiptNumber: r.receiptNumber, pending: true, text: t.receiptPending(r.receiptNumber, at) };
      const refusal = refusalOfRow(r);
      const why = refusal ? translateRefusal(refusal, lang, 'agency') : (r.refusalMessage ?? '');
      return {
        receiptNumber: r.receiptNumber,
        pending: false,
        text: t.receiptRefused(r.receiptNumber, at, why),
      };
    }),
    extensionRequests: audits.map((a) => {
      const d = (a.details ?? {}) as { until?: string; reason?: string; requestedBy?: string };
      const until = d.until ? formatDate(d.until) : '';
      return {
        date: formatDate(localDate(cycleInstant(clock, a.at.getTime()))),
        until,
        requestedBy: d.requestedBy ?? '',
        reason: d.reason ?? '',
        text: t.extensionRow(until, d.requestedBy ?? '', d.reason ?? ''),
      };
    }),
  };
}
