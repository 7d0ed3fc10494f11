// What each renderer returns, and the file names of the report. Pure.
import type { ConsolidatedReport } from './types';
import { REPORT_WORDS } from './words';

export interface RenderedFile {
  body: Buffer;
  /** e.g. "bao-cao-tong-hop-dien-bien-kh99-2027.docx". */
  fileName: string;
  contentType: string;
}

export function reportFileName(report: ConsolidatedReport, ext: 'docx' | 'pdf' | 'xlsx'): string {
  return `${REPORT_WORDS[report.lang].fileStem}-${report.cycle.program}-${report.cycle.year}.${ext}`;
}
