// Checks a directory workbook's ZIP archive before anything unpacks it: how many entries it has, how much
// they unpack to, and how far each is compressed. Only the central directory is read (no entry is
// decompressed), so a ZIP bomb is refused in milliseconds. The declared sizes can lie; the bounded worker
// that then reads the workbook (xlsx.ts) is the second line.
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** More entries than any workbook of one table has (Excel writes about a dozen). */
export const MAX_WORKBOOK_ENTRIES = 500;
/** What the entries of a directory workbook may unpack to, all together. */
export const MAX_WORKBOOK_UNPACKED_BYTES = 64 * 1024 * 1024;
/** How far one entry may be compressed (spreadsheet XML compresses 5 to 20 times; bombs, thousands). */
export const MAX_COMPRESSION_RATIO = 100;
/** Entries smaller than this unpacked are not held to the ratio (tiny repetitive parts compress well). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

/** Why a workbook's archive is refused, in English (directory-i18n.ts words it in Vietnamese). */
export type ArchiveProblem = string;

function openZip(bytes: Uint8Array): Promise<ZipFile | Error> {
  return new Promise((resolve) => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => resolve(err ?? zip));
  });
}

const SAVE_AGAIN = 'open it in Excel and save the table alone as "Excel Workbook (*.xlsx)" or "CSV UTF-8"';

/**
 * The problem with a workbook's archive, or undefined when it is within the limits. An archive yauzl
 * cannot read is left to the workbook reader, which reports it as unreadable.
 */
export async function workbookArchiveProblem(bytes: Uint8Array): Promise<ArchiveProblem | undefined> {
  const zip = await openZip(bytes);
  if (zip instanceof Error) return undefined;
  try {
    if (zip.entryCount > MAX_WORKBOOK_ENTRIES) {
      return (
        `the workbook's archive has ${zip.entryCount} entries, more than the ${MAX_WORKBOOK_ENTRIES} a ` +
        `directory workbook can have: ${SAVE_AGAIN}`
      );
    }
    return await new Promise<ArchiveProblem | undefined>((resolve) => {
      let unpacked = 0;
      zip.on('error', () => resolve(undefined));
      zip.on('end', () => resolve(undefined));
      zip.on('entry', (entry: Entry) => {
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (entry.uncompressedSize >= RATIO_FLOOR_BYTES && ratio > MAX_COMPRESSION_RATIO) {
          resolve(
            `the workbook's part ${entry.fileName} is compressed ${Math.round(ratio)} times, far more than ` +
              `a spreadsheet is (at most ${MAX_COMPRESSION_RATIO}): the file is refused as a possible ZIP ` +
              `bomb; ${SAVE_AGAIN}`,
          );
          return;
        }
        unpacked += entry.uncompressedSize;
        if (unpacked > MAX_WORKBOOK_UNPACKED_BYTES) {
          resolve(
            `the workbook unpacks to more than ${MAX_WORKBOOK_UNPACKED_BYTES / (1024 * 1024)} MB, more than ` +
              `a directory workbook can: ${SAVE_AGAIN}`,
          );
          return;
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
