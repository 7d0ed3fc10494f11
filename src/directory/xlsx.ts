// Parses a directory file, CSV or XLSX. A workbook is checked as an archive first (xlsx-archive.ts), then
// read in a worker thread with a memory ceiling and a time limit (xlsx-read.ts runs there): reading a
// large or hostile workbook never blocks the portal's event loop, and one the limits stop is refused with
// a clear message instead of taking the process down.
import { Worker } from 'node:worker_threads';
import { parseDirectoryCsv } from './csv';
import { DirectoryError, type DirectoryRow } from './types';
import { workbookArchiveProblem } from './xlsx-archive';
import { fileIssue, type WorkbookReading } from './xlsx-read';

/** Every XLSX file is a ZIP archive, which starts with a local file header: "PK\x03\x04". */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The reading worker's bounds: its heap, and how long it may take. */
export interface WorkbookReadLimits {
  heapMb: number;
  timeoutMs: number;
}

/** A 10,000-row directory workbook reads in a few seconds within about 200 MB of heap. */
export const WORKBOOK_READ_LIMITS: WorkbookReadLimits = { heapMb: 512, timeoutMs: 60_000 };

/**
 * The worker's script: loads xlsx-read (through tsx's require hook when it is TypeScript, as under tsx
 * and jest; compiled JavaScript needs none) and answers with its reading.
 */
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.tsx) require(workerData.tsx).register();
require(workerData.module)
  .readDirectoryWorkbook(workerData.bytes, workerData.fileName)
  .then((reading) => parentPort.postMessage(reading));
`;

function readerModule(): { module: string; tsx: string | undefined } {
  const module = require.resolve('./xlsx-read');
  return { module, tsx: /\.[cm]?ts$/.test(module) ? require.resolve('tsx/cjs/api') : undefined };
}

const SAVE_SMALLER =
  'save the table alone (the first worksheet, only its rows and columns) as "Excel Workbook (*.xlsx)" or ' +
  'as "CSV UTF-8" and import it again';

/** Reads a workbook in a bounded worker thread; throws DirectoryError when it is bad or too big to read. */
async function readInWorker(
  bytes: Uint8Array,
  fileName: string,
  limits: WorkbookReadLimits,
): Promise<DirectoryRow[]> {
  const reading = await new Promise<WorkbookReading>((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, {
      eval: true,
      workerData: { ...readerModule(), bytes, fileName },
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32 },
      stdout: false,
      stderr: false,
    });
    const refuse = (problem: string) =>
      resolve({ issues: [fileIssue(fileName, `${problem}: ${SAVE_SMALLER}`)] });
    const timer = setTimeout(() => {
      void worker.terminate();
      refuse(`the workbook could not be read within ${limits.timeoutMs / 1000} seconds`);
    }, limits.timeoutMs);
    worker.once('message', (message: WorkbookReading) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(message);
    });
    worker.once('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        refuse(`the workbook needs more than ${limits.heapMb} MB of memory to read`);
      } else reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      // After a message or an error the promise is settled already and this does nothing.
      reject(new Error(`the workbook reader stopped (exit code ${code}) without an answer`));
    });
  });
  if ('issues' in reading) throw new DirectoryError(reading.issues);
  return reading.rows;
}

/**
 * Parses a directory workbook: the first worksheet, header in its first row. Throws DirectoryError listing
 * every problem (file not a workbook, an archive or sheet beyond a directory's size, bad header, bad rows),
 * with the row number and column.
 */
export async function parseDirectoryXlsx(
  bytes: Uint8Array,
  fileName: string,
  limits: WorkbookReadLimits = WORKBOOK_READ_LIMITS,
): Promise<DirectoryRow[]> {
  if (!looksLikeZip(bytes)) {
    throw new DirectoryError([
      fileIssue(
        fileName,
        'not an Excel workbook (.xlsx files are ZIP archives, and this file is not one): save it from ' +
          'Excel as "Excel Workbook (*.xlsx)", or as "CSV UTF-8"; old .xls files are not read',
      ),
    ]);
  }
  const problem = await workbookArchiveProblem(bytes);
  if (problem) throw new DirectoryError([fileIssue(fileName, problem)]);
  return readInWorker(bytes, fileName, limits);
}

/** The formats a directory file can have. */
export type DirectoryFileFormat = 'csv' | 'xlsx';

/**
 * Which format a directory file is in: by content first (an .xlsx is a ZIP archive), then by extension.
 * A file named .xlsx that is not a ZIP archive is reported by parseDirectoryXlsx, clearly.
 */
export function directoryFileFormat(bytes: Uint8Array, fileName: string): DirectoryFileFormat {
  if (looksLikeZip(bytes)) return 'xlsx';
  return /\.xlsx$/i.test(fileName) ? 'xlsx' : 'csv';
}

/** Parses a directory file, CSV or XLSX (see directoryFileFormat). Throws DirectoryError. */
export async function parseDirectoryFile(bytes: Uint8Array, fileName: string): Promise<DirectoryRow[]> {
  const ole2 = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  if (ole2) {
    throw new DirectoryError([
      fileIssue(
        fileName,
        'old Excel 97-2003 (.xls) files are not read: save the file as "Excel Workbook (*.xlsx)" or as "CSV UTF-8"',
      ),
    ]);
  }
  if (directoryFileFormat(bytes, fileName) === 'xlsx') return parseDirectoryXlsx(bytes, fileName);
  // Not a ZIP and not named .xlsx: CSV text (parseDirectoryCsv finds its encoding and separator).
  return parseDirectoryCsv(bytes, fileName);
}
