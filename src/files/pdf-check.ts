// A PDF checked beyond its first bytes: it must end the way a PDF ends (a cross-reference offset and
// %%EOF), and it must not carry actions that run when it is opened or clicked.
import { constants, inflateSync } from 'node:zlib';

/** `damaged`: truncated or not a PDF's structure (or parts that cannot be read to check them). */
export type PdfProblem = 'damaged' | 'active';

/**
 * Names that make a PDF act: scripts (`/JavaScript`, `/JS`, also how `/OpenAction` and `/AA` run code),
 * starting a program (`/Launch`), and files carried inside (`/EmbeddedFile`, `/EmbeddedFiles`).
 */
const ACTIVE_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles']);
/** Bytes inflated from object streams at most (their dictionaries are small; more means a bomb). */
const MAX_INFLATED = 64 * 1024 * 1024;
/** How far from the end %%EOF may be (some writers pad the end). */
const TAIL = 1024;

/** What is wrong with the PDF in `bytes`, or undefined when it may be accepted. */
export function checkPdf(bytes: Buffer): PdfProblem | undefined {
  if (!wellFormedEnd(bytes)) return 'damaged';
  const surface = dictionaries(bytes);
  if (surface === undefined) return 'damaged';
  return surface.some(hasActiveName) ? 'active' : undefined;
}

/**
 * The last `startxref <offset> %%EOF` near the end, with the offset inside the file pointing at a
 * cross-reference table (`xref`) or stream (`<n> <g> obj`).
 */
function wellFormedEnd(bytes: Buffer): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - TAIL)).toString('latin1');
  const ends = [...tail.matchAll(/startxref\s+(\d{1,12})\s*%%EOF/g)];
  const last = ends.at(-1);
  if (!last) return false;
  const offset = Number(last[1]);
  if (offset >= bytes.length) return false;
  const at = bytes.subarray(offset, offset + 64).toString('latin1');
  return /^\s*(xref|\d+\s+\d+\s+obj\b)/.test(at);
}

/**
 * The text of the file outside its streams (where the dictionaries are), plus the inflated content of its
 * object streams (PDF 1.5 keeps dictionaries compressed there). Other streams (page content, images,
 * fonts) are skipped: their bytes hold no actions, and reading compressed data as text would find names by
 * chance. Undefined when a stream has no end or an object stream cannot be read.
 */
function dictionaries(bytes: Buffer): string[] | undefined {
  const text = bytes.toString('latin1');
  const parts: string[] = [];
  const start = /(?<!end)stream(?:\r\n|\n|\r)/g;
  let pos = 0;
  let inflated = 0;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const before = text.slice(pos, m.index);
    parts.push(before);
    const dataStart = m.index + m[0].length;
    const end = text.indexOf('endstream', dataStart);
    if (end < 0) return undefined;
    const dict = before.slice(Math.max(0, before.lastIndexOf('obj')));
    if (/\/Type\s*\/ObjStm\b/.test(dict)) {
      // An object stream we cannot decode could hide anything: only Flate (what writers use) is read.
      const filter = /\/Filter\s*(\/\w+|\[[^\]]*\])/.exec(dict)?.[1]?.replace(/[[\]\s]/g, '');
      if (filter !== '/FlateDecode') return undefined;
      try {
        const out = inflateSync(bytes.subarray(dataStart, end), {
          finishFlush: constants.Z_SYNC_FLUSH,
          maxOutputLength: Math.max(1, MAX_INFLATED - inflated),
        });
        inflated += out.length;
        parts.push(out.toString('latin1'));
      } catch {
        return undefined;
      }
    }
    pos = end + 'endstream'.length;
    start.lastIndex = pos;
  }
  parts.push(text.slice(pos));
  return parts;
}

/** True when the text has one of the active names, also when written with #xx escapes (/J#61vaScript). */
function hasActiveName(text: string): boolean {
  for (const m of text.matchAll(/\/([^\s/<>[\]()%{}]*)/g)) {
    const name = m[1]!.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (ACTIVE_NAMES.has(name)) return true;
  }
  return false;
}
