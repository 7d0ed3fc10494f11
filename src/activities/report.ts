// The consolidated report at the end of a cycle, as an activity: stores the DOCX, PDF and XLSX under the
// files root (recorded in the audit log) and emails the DOCX and PDF to the program's leadership, each
// recipient at most once per cycle through the notification log. The cycle calls it once consolidated
// (patched 'consolidated-report'), on the mail task queue.
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import type { Mailer } from '../mail/mailer';
import { sendConsolidatedReportEmail } from '../reports/consolidated/send';
import type { StoredReportFile } from '../reports/consolidated/store';

export interface ReportActivityDeps {
  db: Database;
  mailer: Mailer;
  /** The From header (its domain is the domain of every Message-ID). */
  from: string;
  /** The files root (FilesConfig.root): reports live beside the submissions' attachments. */
  filesRoot: string;
}

export interface SendConsolidatedReportResult {
  auditEventId: number;
  files: StoredReportFile[];
  deliveries: { to: string; messageId: string; alreadySent: boolean }[];
}

export function createReportActivities(deps: ReportActivityDeps) {
  return {
    /**
     * Idempotent: the report stored by an earlier attempt is reused, and each leadership recipient is
     * sent the report once (key "cycle:<program>:<year>:report:consolidated:<email>").
     */
    async sendConsolidatedReport(input: { cycleId: number }): Promise<SendConsolidatedReportResult> {
      const cycle = await deps.db.prisma.cycle.findUnique({ where: { id: input.cycleId } });
      if (!cycle) throw ApplicationFailure.nonRetryable(`no cycle with id ${input.cycleId}`, 'ReportRefused');
      const { report, deliveries } = await sendConsolidatedReportEmail(deps, input.cycleId);
      return { auditEventId: report.auditEventId, files: report.files, deliveries };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
