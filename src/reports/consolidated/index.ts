// The consolidated report of a cycle: data (build.ts), DOCX, PDF and XLSX renderers, storage in the
// files root with an audit record, and the email to the program's leadership.
export { buildConsolidatedReport, outcomeOfObligation, parseOutcome, rateCounts } from './build';
export type { BuildOptions } from './build';
export { renderConsolidatedDocx } from './docx';
export { renderConsolidatedPdf } from './pdf';
export { consolidatedTables, renderConsolidatedXlsx } from './xlsx';
export type { RenderedFile } from './files';
export { reportFonts } from './fonts';
export {
  latestConsolidatedReport,
  readStoredReportFile,
  REPORT_AUDIT_ACTION,
  storeConsolidatedReport,
} from './store';
export type { ReportFormat, StoredReport, StoredReportFile } from './store';
export { REPORT_EMAIL_STEP, reportEmailKey, sendConsolidatedReportEmail } from './send';
export type { ReportDelivery, SendReportResult } from './send';
export type * from './types';
