// What a file is, decided from its content alone (never its name or the browser's claim), and whether it
// carries something that acts when it is opened (macros, links fetched from elsewhere, embedded programs,
// PDF scripts): such files are refused, with the reason, so the coordinator never opens them.
import { open as openFile, readFile } from 'node:fs/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { checkPdf } from './pdf-check';

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

/**
 * Why a file is refused: not one of the accepted kinds (`unknown-type`), or it carries active content:
 * a VBA project (`macros`), Excel 4.0 macro sheets (`excel4-macros`), OpenDocument Basic or script
 * macros (`odf-macros`), relationships to outside files that Office fetches on opening, such as a remote
 * template (`external-links`), OLE or ActiveX objects (`embedded-objects`); a PDF without a well-formed
 * end (`pdf-damaged`) or with JavaScript, launch actions or embedded files (`pdf-active`).
 */
export type SniffRefusal =
  | 'unknown-type'
  | 'macros'
  | 'excel4-macros'
  | 'odf-macros'
  | 'external-links'
  | 'embedded-objects'
  | 'pdf-damaged'
  | 'pdf-active';

/** The refusals that say the content is of a kind or carries something the portal does not take (HTTP 415). */
export const CONTENT_REFUSALS: ReadonlySet<string> = new Set<SniffRefusal>([
  'unknown-type',
  'macros',
  'excel4-macros',
  'odf-macros',
  'external-links',
  'embedded-objects',
  'pdf-damaged',
  'pdf-active',
]);

export type SniffResult =
  { ok: true; kind: DocumentKind; contentType: string; ext: string } | { ok: false; refusal: SniffRefusal };

const ODT_MIMETYPE = 'application/vnd.oasis.opendocument.text';
/** Entries read from a ZIP's central directory at most (a document has a few dozen; a bomb has many). */
const MAX_ENTRIES = 10_000;
/** Bounds on the XML parts inflated to be read ([Content_Types].xml and the .rels files). */
const MAX_PART_BYTES = 2 * 1024 * 1024;
const MAX_PARTS_BYTES = 16 * 1024 * 1024;
const MAX_PARTS = 2_000;

function accepted(kind: DocumentKind): SniffResult {
  return { ok: true, kind, ...DOCUMENT_TYPES[kind] };
}

function refused(refusal: SniffRefusal): SniffResult {
  return { ok: false, refusal };
}

const UNKNOWN: SniffResult = refused('unknown-type');

/** The type of the file at `path`: PDF by its magic and structure, DOCX/XLSX/ODT by their ZIP parts. */
export async function sniffFile(path: string): Promise<SniffResult> {
  const head = Buffer.alloc(5);
  const handle = await openFile(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, 5, 0));
  } finally {
    await handle.close();
  }
  // The upload limit bounds the size: the whole PDF is read to check its structure.
  if (read === 5 && head.toString('latin1') === '%PDF-') return pdfResult(await readFile(path));
  if (read < 4 || head.readUInt32LE(0) !== 0x04034b50) return UNKNOWN; // "PK\3\4": a ZIP's first entry
  const zip = await new Promise<ZipFile | undefined>((resolve) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, z) =>
      resolve(err ? undefined : z),
    );
  });
  return zip ? sniffOpenZip(zip) : UNKNOWN;
}

/** The bytes in a buffer, as sniffFile would see them (for tests and small in-memory files). */
export async function sniffBuffer(bytes: Buffer): Promise<SniffResult> {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return pdfResult(bytes);
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) return UNKNOWN;
  const zip = await new Promise<ZipFile | undefined>((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, strictFileNames: false }, (err, z) =>
      resolve(err ? undefined : z),
    );
  });
  return zip ? sniffOpenZip(zip) : UNKNOWN;
}

function pdfResult(bytes: Buffer): SniffResult {
  const problem = checkPdf(bytes);
  return problem ? refused(problem === 'damaged' ? 'pdf-damaged' : 'pdf-active') : accepted('pdf');
}

async function sniffOpenZip(zip: ZipFile): Promise<SniffResult> {
  try {
    return await sniffZip(zip);
  } catch {
    return UNKNOWN;
  } finally {
    zip.close();
  }
}

/** Every entry of the central directory, in order (nothing is inflated). */
async function listEntries(zip: ZipFile): Promise<Entry[] | undefined> {
  if (zip.entryCount > MAX_ENTRIES) return undefined;
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
  return entries;
}

/** One entry's bytes, at most `max` (more is an error: the caller refuses the file). */
function readPart(zip: ZipFile, entry: Entry, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (entry.uncompressedSize > max) return reject(new Error(`${entry.fileName} is too large to check`));
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) stream.destroy(new Error(`${entry.fileName} is too large to check`));
        else chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Refusals read from the entries' names alone. */
function refusalByNames(names: string[]): SniffRefusal | undefined {
  if (names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) return 'macros';
  if (names.some((n) => /^xl\/macrosheets\//i.test(n))) return 'excel4-macros';
  if (names.some((n) => /^(Basic|Scripts)\/./i.test(n))) return 'odf-macros';
  if (names.some((n) => /(^|\/)(embeddings|activeX)\//i.test(n))) return 'embedded-objects';
  return undefined;
}

/**
 * Refusals read from [Content_Types].xml: a part's type says what it is wherever it is stored (a macro
 * sheet renamed xl/worksheets/sheet2.xml is still declared as a macro sheet, or Office would not run it).
 */
function refusalByContentTypes(xml: string): SniffRefusal | undefined {
  const types = [...xml.matchAll(/ContentType\s*=\s*["']([^"']*)["']/gi)].map((m) => decodeXml(m[1]!));
  if (types.some((t) => /vbaProject/i.test(t))) return 'macros';
  if (types.some((t) => /macrosheet/i.test(t))) return 'excel4-macros';
  if (types.some((t) => /oleObject|activeX/i.test(t))) return 'embedded-objects';
  return undefined;
}

/**
 * True when a relationships part points outside the package at something Office fetches or runs on
 * opening: a remote template, a linked image, frame or OLE object, an external workbook. Plain hyperlinks
 * (opened only when clicked, like a link in an email) are allowed: official reports cite web pages.
 */
function hasExternalTarget(xml: string): boolean {
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)) {
    const attrs = m[1]!;
    const mode = /\bTargetMode\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1];
    if (!mode || decodeXml(mode).trim().toLowerCase() !== 'external') continue;
    const type = decodeXml(/\bType\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1] ?? '').trim();
    if (!/\/relationships\/hyperlink$/.test(type)) return true;
  }
  return false;
}

/** XML character references and the predefined entities, decoded (so "&#69;xternal" is "External"). */
function decodeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref[0] !== '#') return named[ref.toLowerCase()]!;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/**
 * Reads the central directory, then only the small parts that say what the file holds: ODT's `mimetype`,
 * OOXML's [Content_Types].xml and its .rels files (bounded in count and size; past the bounds the file is
 * refused, as a document never comes near them).
 */
async function sniffZip(zip: ZipFile): Promise<SniffResult> {
  const entries = await listEntries(zip);
  if (!entries) return UNKNOWN;
  const names = entries.map((e) => e.fileName);
  const byName = refusalByNames(names);
  if (byName) return refused(byName);

  const first = entries[0];
  let firstContent: string | undefined;
  if (first?.fileName === 'mimetype' && first.uncompressedSize <= 100) {
    firstContent = (await readPart(zip, first, 100)).toString('latin1');
  }
  const typesEntry = entries.find((e) => e.fileName === '[Content_Types].xml');
  const rels = entries.filter((e) => /\.rels$/i.test(e.fileName));
  if (rels.length > MAX_PARTS) return UNKNOWN;
  let budget = MAX_PARTS_BYTES;
  const readXml = async (entry: Entry): Promise<string> => {
    const bytes = await readPart(zip, entry, Math.min(MAX_PART_BYTES, budget));
    budget -= bytes.length;
    return bytes.toString('utf8');
  };
  if (typesEntry) {
    const byTypes = refusalByContentTypes(await readXml(typesEntry));
    if (byTypes) return refused(byTypes);
  }
  for (const entry of rels) {
    if (hasExternalTarget(await readXml(entry))) return refused('external-links');
  }

  const nameSet = new Set(names);
  if (typesEntry && nameSet.has('word/document.xml')) return accepted('docx');
  if (typesEntry && nameSet.has('xl/workbook.xml')) return accepted('xlsx');
  if (first?.fileName === 'mimetype' && firstContent === ODT_MIMETYPE) return accepted('odt');
  return UNKNOWN;
}
