// Emails the consolidated report (DOCX and PDF attached) to the program's leadership, through the
// notification log: each recipient gets it at most once per cycle, under a deterministic Message-ID,
// however often this is called or retried.
import type { Database } from '../../db/client';
import { sendOnce, type NotifyResult } from '../../activities/notification-log';
import type { EmailAttachment, Mailer } from '../../mail/mailer';
import { loadProgramVersion } from '../../programs/store';
import { buildConsolidatedReport } from './build';
import { formatCivilDate, formatPercent } from './format';
import {
  latestConsolidatedReport,
  readStoredReportFile,
  storeConsolidatedReport,
  type StoredReport,
} from './store';

export interface ReportDelivery {
  to: string;
  messageId: string;
  /** True when the log showed this recipient already had it (a retry or a second call). */
  alreadySent: boolean;
}

export interface SendReportResult {
  report: StoredReport;
  deliveries: ReportDelivery[];
}

/** The step of the report email in the notification log; the key adds the cycle and the recipient. */
export const REPORT_EMAIL_STEP = 'report:consolidated';

/** Idempotency key of the report email to one recipient: "cycle:<program>:<year>:report:consolidated:<email>". */
export function reportEmailKey(subject: string, email: string): string {
  return `${subject}:${REPORT_EMAIL_STEP}:${email.toLowerCase()}`;
}

/**
 * Sends the latest stored Vietnamese report of the cycle (storing one first when there is none) to every
 * leadership recipient of the cycle's program version.
 */
export async function sendConsolidatedReportEmail(
  deps: { db: Database; mailer: Mailer; from: string; filesRoot: string },
  cycleId: number,
): Promise<SendReportResult> {
  const { db } = deps;
  const stored =
    (await latestConsolidatedReport(db, cycleId, 'vi')) ??
    (await storeConsolidatedReport(db, deps.filesRoot, cycleId, { lang: 'vi' }));
  const cycle = await db.prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } });
  const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
  const vi = await buildConsolidatedReport(db, cycleId, { lang: 'vi' });
  const en = await buildConsolidatedReport(db, cycleId, { lang: 'en' });
  if (!vi || !en) throw new Error(`no cycle with id ${cycleId}`);

  const attachments: EmailAttachment[] = [];
  for (const file of stored.files.filter((f) => f.format === 'docx' || f.format === 'pdf')) {
    attachments.push({
      filename: file.fileName,
      content: await readStoredReportFile(deps.filesRoot, file),
      contentType: file.contentType,
    });
  }
  const withAttachments: Mailer = {
    send: (email) => deps.mailer.send({ ...email, attachments }),
    verify: () => deps.mailer.verify(),
    close: () => undefined,
  };

  const doc = vi.document;
  const year = vi.cycle.year;
  const subject = `Báo cáo kết quả thực hiện Kế hoạch số ${doc.number} năm ${year} / Report on Plan No. ${doc.number}, ${year}`;
  const deliveries: ReportDelivery[] = [];
  for (const person of definition.leadership) {
    const text = [
      `Kính gửi: ${person.name}, ${person.position?.vi ?? ''}`.replace(/, $/, ''),
      '',
      `${doc.lead.name} gửi kèm Báo cáo kết quả thực hiện Kế hoạch số ${doc.number} ngày ${formatCivilDate(doc.date)} của ${doc.issuer.vi} năm ${year}: tệp DOCX (để chỉnh sửa, ban hành) và tệp PDF (để đọc). Tỷ lệ gửi đúng hạn chung đạt ${formatPercent(vi.totals.overall.rate, 'vi')}.`,
      '',
      ...vi.narrative.slice(1, 2),
      '',
      'Trân trọng./.',
      '',
      doc.lead.name,
      '',
      '---',
      '',
      `To: ${person.name}${person.position?.en ? `, ${person.position.en}` : ''}`,
      '',
      `The ${doc.lead.nameEn ?? doc.lead.name} sends the report on Plan No. ${doc.number} of the ${doc.issuer.en} for ${year}, attached as DOCX (to edit and issue) and PDF (to read). The overall on-time rate was ${formatPercent(en.totals.overall.rate, 'en')}.`,
      '',
      ...en.narrative.slice(1, 2),
    ].join('\n');
    const result: NotifyResult = await sendOnce(db, withAttachments, deps.from, {
      idempotencyKey: reportEmailKey(stored.subject, person.email),
      workflowId: stored.subject,
      step: REPORT_EMAIL_STEP,
      to: person.email,
      subject,
      text,
      cycleId,
    });
    deliveries.push({ to: person.email, messageId: result.messageId, alreadySent: result.alreadySent });
  }
  return { report: stored, deliveries };
}
