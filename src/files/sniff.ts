// What a file is, decided from its content alone (never its name or the browser's claim).
import { open as openFile } from 'node:fs/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** The kinds of document the portal accepts. */
export type DocumentKind = 'pdf' | 'docx' | 'xlsx' | 'odt';

export const DOCUMENT_TYPES: Record<DocumentKind, { contentType: string; ext: string }> = {
  pdf: { contentType: 'application/pdf', ext: 'pdf' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: 'docx',
  },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', ext: 'odt' },
};

/** Why a file is refused: not one of the accepted kinds, or an Office file that carries macros. */
export type SniffRefusal = 'unknown-type' | 'macros';

export type SniffResult =
  { ok: true; kind: DocumentKind; contentType: string; ext: string } | { ok: false; refusal: SniffRefusal };

const ODT_MIMETYPE = 'application/vnd.oasis.opendocument.text';
/** Entries read from a ZIP's central directory at most (a document has a few dozen; a bomb has many). */
const MAX_ENTRIES = 10_000;

function accepted(kind: DocumentKind): SniffResult {
  return { ok: true, kind, ...DOCUMENT_TYPES[kind] };
}

const UNKNOWN: SniffResult = { ok: false, refusal: 'unknown-type' };

/** The type of the file at `path`: PDF by its magic, DOCX/XLSX/ODT by their ZIP central directory. */
export async function sniffFile(path: string): Promise<SniffResult> {
  const head = Buffer.alloc(5);
  const handle = await openFile(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, 5, 0));
  } finally {
    await handle.close();
  }
  if (read === 5 && head.toString('latin1') === '%PDF-') return accepted('pdf');
  if (read < 4 || head.readUInt32LE(0) !== 0x04034b50) return UNKNOWN; // "PK\3\4": a ZIP's first entry
  const zip = await new Promise<ZipFile | undefined>((resolve) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, z) =>
      resolve(err ? undefined : z),
    );
  });
  if (!zip) return UNKNOWN;
  try {
    return await sniffZip(zip);
  } catch {
    return UNKNOWN;
  } finally {
    zip.close();
  }
}

/** The bytes in a buffer, as sniffFile would see them (for tests and small in-memory files). */
export async function sniffBuffer(bytes: Buffer): Promise<SniffResult> {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return accepted('pdf');
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) return UNKNOWN;
  const zip = await new Promise<ZipFile | undefined>((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, strictFileNames: false }, (err, z) =>
      resolve(err ? undefined : z),
    );
  });
  if (!zip) return UNKNOWN;
  try {
    return await sniffZip(zip);
  } catch {
    return UNKNOWN;
  } finally {
    zip.close();
  }
}

/** Reads the central directory (names only; nothing is inflated but ODT's tiny `mimetype` entry). */
async function sniffZip(zip: ZipFile): Promise<SniffResult> {
  if (zip.entryCount > MAX_ENTRIES) return UNKNOWN;
  const names = new Set<string>();
  let first: Entry | undefined;
  let firstContent: string | undefined;
  let macros = false;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      const name = entry.fileName;
      names.add(name);
      if (/(^|\/)vbaProject\.bin$/i.test(name)) macros = true;
      if (first === undefined) {
        first = entry;
        if (name === 'mimetype' && entry.uncompressedSize <= 100) {
          zip.openReadStream(entry, (err, stream) => {
            if (err) return reject(err);
            const chunks: Buffer[] = [];
            let size = 0;
            stream.on('data', (c: Buffer) => {
              size += c.length;
              if (size > 100) stream.destroy(new Error('mimetype entry too long'));
              else chunks.push(c);
            });
            stream.on('error', reject);
            stream.on('end', () => {
              firstContent = Buffer.concat(chunks).toString('latin1');
              zip.readEntry();
            });
          });
          return;
        }
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
  if (macros) return { ok: false, refusal: 'macros' };
  const contentTypes = names.has('[Content_Types].xml');
  if (contentTypes && names.has('word/document.xml')) return accepted('docx');
  if (contentTypes && names.has('xl/workbook.xml')) return accepted('xlsx');
  if (first?.fileName === 'mimetype' && firstContent === ODT_MIMETYPE) return accepted('odt');
  return UNKNOWN;
}
