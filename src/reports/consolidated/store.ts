// Stores the rendered report under the files root, content-addressed like the submissions' attachments
// (<root>/<aa>/<sha256>.<ext>, never overwritten), and records it in the audit log (action
// "report.consolidated", subject "cycle:<program>:<year>"): there is no table for reports yet.
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../../db/client';
import { cycleWorkflowId } from '../../workflows/cycle-types';
import type { ReportLang } from '../labels';
import { buildConsolidatedReport } from './build';
import { renderConsolidatedDocx } from './docx';
import type { RenderedFile } from './files';
import { renderConsolidatedPdf } from './pdf';
import { renderConsolidatedXlsx } from './xlsx';

export const REPORT_AUDIT_ACTION = 'report.consolidated';

export type ReportFormat = 'docx' | 'pdf' | 'xlsx';

export interface StoredReportFile {
  format: ReportFormat;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** Relative to the files root: "<aa>/<sha256>.<ext>". */
  storagePath: string;
}

export interface StoredReport {
  auditEventId: number;
  cycleId: number;
  /** "cycle:<program>:<year>". */
  subject: string;
  lang: ReportLang;
  generatedAt: string;
  files: StoredReportFile[];
}

/** Writes `body` at <root>/<aa>/<sha256>.<ext> unless that file is there already (same content). */
async function putFile(root: string, file: RenderedFile, format: ReportFormat): Promise<StoredReportFile> {
  const sha256 = createHash('sha256').update(file.body).digest('hex');
  const storagePath = `${sha256.slice(0, 2)}/${sha256}.${format}`;
  await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o700 });
  await mkdir(join(root, sha256.slice(0, 2)), { recursive: true, mode: 0o750 });
  const temp = join(root, 'tmp', `${randomUUID()}.part`);
  await writeFile(temp, file.body, { flag: 'wx', mode: 0o640 });
  try {
    await link(temp, join(root, storagePath));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp);
  }
  return {
    format,
    fileName: file.fileName,
    contentType: file.contentType,
    sizeBytes: file.body.length,
    sha256,
    storagePath,
  };
}

/**
 * Builds and renders the consolidated report of a cycle (DOCX, PDF, XLSX), stores the files and records
 * them; returns what was stored. Throws when there is no such cycle.
 */
export async function storeConsolidatedReport(
  db: Pick<Database, 'prisma'>,
  filesRoot: string,
  cycleId: number,
  options: { lang?: ReportLang; now?: Date; actor?: string } = {},
): Promise<StoredReport> {
  const lang = options.lang ?? 'vi';
  const report = await buildConsolidatedReport(db, cycleId, { lang, now: options.now });
  if (!report) throw new Error(`no cycle with id ${cycleId}: nothing to report`);
  const rendered: [ReportFormat, RenderedFile][] = [
    ['docx', await renderConsolidatedDocx(report)],
    ['pdf', await renderConsolidatedPdf(report)],
    ['xlsx', await renderConsolidatedXlsx(report)],
  ];
  const files: StoredReportFile[] = [];
  for (const [format, file] of rendered) files.push(await putFile(filesRoot, file, format));
  const subject = cycleWorkflowId(report.cycle.program, report.cycle.year);
  const generatedAt = report.generatedAt.toISOString();
  const event = await db.prisma.auditEvent.create({
    data: {
      actor: options.actor ?? 'system',
      action: REPORT_AUDIT_ACTION,
      subject,
      details: { cycleId, lang, generatedAt, final: report.cycle.final, files } as unknown as object,
    },
  });
  return { auditEventId: event.id, cycleId, subject, lang, generatedAt, files };
}

/** The latest stored report of a cycle (optionally in one language), or undefined when none was stored. */
export async function latestConsolidatedReport(
  db: Pick<Database, 'prisma'>,
  cycleId: number,
  lang?: ReportLang,
): Promise<StoredReport | undefined> {
  const cycle = await db.prisma.cycle.findUnique({ where: { id: cycleId }, include: { program: true } });
  if (!cycle) return undefined;
  const subject = cycleWorkflowId(cycle.program.code, cycle.year);
  const events = await db.prisma.auditEvent.findMany({
    where: { action: REPORT_AUDIT_ACTION, subject },
    orderBy: { id: 'desc' },
  });
  for (const event of events) {
    const details = event.details as unknown as Omit<StoredReport, 'auditEventId' | 'subject'> | null;
    if (!details || details.cycleId !== cycleId || (lang && details.lang !== lang)) continue;
    return {
      auditEventId: event.id,
      cycleId,
      subject,
      lang: details.lang,
      generatedAt: details.generatedAt,
      files: details.files,
    };
  }
  return undefined;
}

/** The bytes of a stored report file (for a download route or an email attachment). */
export async function readStoredReportFile(filesRoot: string, file: StoredReportFile): Promise<Buffer> {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{64}\.(docx|pdf|xlsx)$/.test(file.storagePath))
    throw new Error(`not a report storage path: ${file.storagePath}`);
  const body = await readFile(join(filesRoot, file.storagePath));
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== file.sha256)
    throw new Error(`stored report file ${file.storagePath} does not match its sha256`);
  return body;
}
