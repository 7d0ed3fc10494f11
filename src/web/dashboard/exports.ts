// Downloads of a cycle's matrix (with the page's filters) and submissions list, as XLSX or CSV, for every
// logged-in role. The files are written by src/reports/exports.ts; this file only serves them.
import { exportMatrix, exportSubmissions, type ExportFormat } from '../../reports/exports';
import {
  buildConsolidatedReport,
  latestConsolidatedReport,
  readStoredReportFile,
  renderConsolidatedDocx,
  renderConsolidatedPdf,
  renderConsolidatedXlsx,
  type ReportFormat,
} from '../../reports/consolidated';
import { type Lang } from '../i18n';
import { cycleParam, onProgramOf } from './access';
import type { WebContext } from '../server';
import { DASHBOARD_PREFIX, READERS } from './auth';
import { contentDisposition } from './download';
import { DASH } from './i18n';
import { filterQuery, parseFilters, type MatrixFilters } from './matrix';
import { errorPage } from './page';
import type { DashboardApp } from './routes';
import { exportParams, invalidPart, matrixQuery, pageQuery, type EXPORT_FILES } from './schemas';

type ExportFile = (typeof EXPORT_FILES)[number];

/** The URL segment of each export: what it holds and its format. */
const FILES: Partial<Record<ExportFile, { what: 'matrix' | 'submissions'; format: ExportFormat }>> = {
  'ma-tran.xlsx': { what: 'matrix', format: 'xlsx' },
  'ma-tran.csv': { what: 'matrix', format: 'csv' },
  'van-ban-nop.xlsx': { what: 'submissions', format: 'xlsx' },
  'van-ban-nop.csv': { what: 'submissions', format: 'csv' },
};

/** The consolidated report's files: the one stored when the cycle ended, else drawn up now (provisional). */
const REPORTS: Partial<Record<ExportFile, ReportFormat>> = {
  'bao-cao-tong-hop.docx': 'docx',
  'bao-cao-tong-hop.pdf': 'pdf',
  'bao-cao-tong-hop.xlsx': 'xlsx',
};

const RENDER = { docx: renderConsolidatedDocx, pdf: renderConsolidatedPdf, xlsx: renderConsolidatedXlsx };

/** The consolidated report in one format: as stored (and emailed) at the cycle's end, or built now. */
async function consolidatedReportFile(ctx: WebContext, cycleId: number, format: ReportFormat, lang: Lang) {
  const stored = await latestConsolidatedReport(ctx.deps.db, cycleId, lang);
  const file = stored?.files.find((f) => f.format === format);
  if (file) {
    const body = await readStoredReportFile(ctx.deps.files.root, file);
    return { body, fileName: file.fileName, contentType: file.contentType };
  }
  const report = await buildConsolidatedReport(ctx.deps.db, cycleId, { lang });
  return report ? RENDER[format](report) : undefined;
}

/** The export links of a matrix page: the matrix with the page's filters, and the submissions list. */
export function exportLinks(cycleId: number, filters: Omit<MatrixFilters, 'page'>, lang: Lang) {
  const matrixQuery = filterQuery(filters, lang);
  const langQuery = filterQuery({}, lang);
  const base = `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/xuat`;
  return {
    matrixXlsx: `${base}/ma-tran.xlsx${matrixQuery}`,
    matrixCsv: `${base}/ma-tran.csv${matrixQuery}`,
    submissionsXlsx: `${base}/van-ban-nop.xlsx${langQuery}`,
    submissionsCsv: `${base}/van-ban-nop.csv${langQuery}`,
    reportDocx: `${base}/bao-cao-tong-hop.docx${langQuery}`,
    reportPdf: `${base}/bao-cao-tong-hop.pdf${langQuery}`,
    reportXlsx: `${base}/bao-cao-tong-hop.xlsx${langQuery}`,
  };
}

export function registerExportRoutes(dash: DashboardApp, ctx: WebContext): void {
  dash.get(
    '/chu-ky/:cycleId/xuat/:file',
    {
      config: { access: onProgramOf(cycleParam, ...READERS) },
      schema: { params: exportParams, querystring: matrixQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const w = DASH[lang];
      if (invalidPart(request) === 'params') {
        return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      }
      const cycleId = Number(request.params.cycleId);
      const wanted = FILES[request.params.file];
      const report = REPORTS[request.params.file];
      const now = new Date((ctx.deps.now ?? Date.now)());
      let file;
      if (report) {
        file = await consolidatedReportFile(ctx, cycleId, report, lang);
      } else if (wanted!.what === 'matrix') {
        const { state, group, q } = parseFilters(pageQuery(request, request.query));
        file = await exportMatrix(ctx.deps.db, cycleId, {
          format: wanted!.format,
          lang,
          now,
          filters: { group, q, states: state ? [state] : undefined },
        });
      } else {
        file = await exportSubmissions(ctx.deps.db, cycleId, { format: wanted!.format, lang, now });
      }
      if (!file) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', contentDisposition(file.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.body);
    },
  );
}
