// The names of uploaded files as shown on pages and used in downloads: what the person typed, without
// anything that could make it read as something else (paths, control and format characters, a misleading
// extension).
import { SUBMISSION_LIMITS } from '../workflows/obligation-types';

/**
 * C0 and C1 control characters, DEL, the Unicode line/paragraph separators, and every format character
 * (Unicode category Cf: the bidi overrides and isolates U+202A–202E and U+2066–2069, the marks U+200E/F,
 * zero-width characters, the BOM). A right-to-left override makes "hoso<U+202E>fdp.exe" read as "hosoexe.pdf".
 */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** The name without control and format characters (for names stored before they were removed on upload). */
export function visibleName(name: string): string {
  return name.replace(HIDDEN, '');
}

/**
 * The name the person gave, kept as metadata only (never part of a path): the last path segment, without
 * control or format characters or "..", trimmed, NFC, at most 255 characters; "" when nothing is left.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize('NFC');
  // Basename under both separators (a Windows browser may send "C:\Users\...\x.pdf").
  name = name.split(/[/\\]/).at(-1) ?? '';
  name = visibleName(name)
    .replace(/\.{2,}/g, '.')
    .trim()
    .replace(/^\.+/, '')
    .trim()
    .normalize('NFC');
  return shorten(name, SUBMISSION_LIMITS.fileName);
}

/** At most `max` characters, keeping a short extension. */
function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return name.slice(0, max - ext.length).trimEnd() + ext;
}

/**
 * Extensions of other office and PDF formats: a name ending in one of them has it replaced by the type the
 * content was found to be ("Báo cáo.doc" holding a DOCX becomes "Báo cáo.docx"); any other extension is
 * kept and the right one appended ("anh.jpg" holding a PDF becomes "anh.jpg.pdf"), so nothing is lost.
 */
const DOCUMENT_EXTENSIONS = new Set(
  ['pdf', 'doc', 'docx', 'docm', 'dot', 'dotx', 'dotm', 'xls', 'xlsx', 'xlsm', 'xlsb', 'xlt', 'xltx'].concat([
    'xltm',
    'odt',
    'ott',
    'ods',
    'rtf',
  ]),
);

/**
 * The name ending in `.ext`, the extension of the type its content was sniffed as, so that the program
 * the coordinator's computer opens it with is the one for what it really is.
 */
export function withExtension(name: string, ext: string): string {
  const dot = name.lastIndexOf('.');
  const current = dot > 0 ? name.slice(dot + 1) : '';
  if (current.toLowerCase() === ext) return name;
  const stem = DOCUMENT_EXTENSIONS.has(current.toLowerCase()) ? name.slice(0, dot) : name;
  return `${shorten(stem, SUBMISSION_LIMITS.fileName - ext.length - 1)}.${ext}`;
}

/** The extension of a stored path ("ab/ab12….pdf" → "pdf"): the type its content was sniffed as. */
export function storedExtension(storagePath: string): string | undefined {
  return /\.([a-z0-9]{2,5})$/.exec(storagePath)?.[1];
}

/**
 * The name a stored file is shown and downloaded under: without hidden characters and ending in its
 * stored type's extension (files stored before both rules held are served the same way).
 */
export function downloadName(fileName: string, storagePath: string): string {
  const name = sanitizeFileName(fileName);
  const ext = storedExtension(storagePath);
  if (!ext) return name;
  return withExtension(name || 'tep', ext);
}
