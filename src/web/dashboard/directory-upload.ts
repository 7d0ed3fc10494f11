// The directory import's upload: reading the multipart form (one file, a few fields, a size limit), its
// CSRF check, and keeping the previewed file server-side until it is applied.
//
// Why the file is kept rather than uploaded again: "apply" must import exactly the bytes that were
// previewed, and a browser cannot resend a chosen file by itself (the coordinator would have to pick it
// again, and could pick another). So the previewed bytes are written under <files root>/tmp/danh-ba/
// with a random id, next to what the preview showed (its content hash and the revision compared with);
// the apply form carries only the id. importDirectory's `previewed` check then refuses the import if the
// directory changed in between; only the coordinator who previewed may apply (mayApply). Kept files are removed when applied, refused as stale, or after a day.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyMultipartBaseOptions } from '@fastify/multipart';

/** The largest directory file accepted. */
export const MAX_DIRECTORY_BYTES = 5 * 1024 * 1024;
/** How long a previewed file is kept for "apply". */
const KEEP_MS = 24 * 3_600_000;
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route reads a multipart body and checks its `_csrf` field itself (verifyMultipartCsrf) before
     * acting; the dashboard's CSRF hook, which reads URL-encoded bodies, lets it through.
     */
    multipartCsrf?: boolean;
  }
}

export interface UploadForm {
  fields: Record<string, string>;
  file?: { name: string; bytes: Buffer; tooLarge: boolean };
  /** The body could not be read as a form (malformed, or more parts than a form has). */
  broken?: boolean;
}

async function drain(stream: Readable): Promise<void> {
  for await (const chunk of stream) void chunk;
}

/** Reads a multipart form: its text fields and the file of input `fileField` (at most `maxBytes`). */
export async function readUploadForm(
  request: FastifyRequest,
  fileField: string,
  maxBytes: number,
  /** More or larger text fields than the directory's upload form has (the program editor's). */
  fieldLimits: { fields: number; fieldSize: number } = { fields: 10, fieldSize: 4096 },
): Promise<UploadForm> {
  const form: UploadForm = { fields: {} };
  try {
    // A file over the limit is truncated (not thrown), so the whole request is read and the page answers.
    const options: FastifyMultipartBaseOptions = {
      limits: {
        fileSize: maxBytes,
        files: 2,
        fields: fieldLimits.fields,
        fieldSize: fieldLimits.fieldSize,
        parts: fieldLimits.fields + 2,
      },
      throwFileSizeLimit: false,
    };
    for await (const part of request.parts(options as Parameters<FastifyRequest['parts']>[0])) {
      if (part.type === 'field') {
        if (typeof part.value === 'string' && !(part.fieldname in form.fields)) {
          form.fields[part.fieldname] = part.value;
        }
        continue;
      }
      if (part.fieldname !== fileField || !part.filename || form.file) {
        await drain(part.file);
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      form.file = { name: part.filename, bytes: Buffer.concat(chunks), tooLarge: part.file.truncated };
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('FST_') || /multipart|Part terminated|Unexpected end/i.test((err as Error).message)) {
      form.broken = true;
    } else throw err;
  }
  return form;
}

/** The `_csrf` fields of multipart requests, for the CSRF plugin's getToken (see routes.ts). */
const multipartTokens = new WeakMap<FastifyRequest, string>();

export function multipartCsrfToken(request: FastifyRequest): string | undefined {
  return multipartTokens.get(request);
}

/**
 * Checks the CSRF token of a multipart form as the dashboard's hook checks URL-encoded ones. False: the
 * 403 page has been sent (through the dashboard's error handler) and the route must stop.
 */
export function verifyMultipartCsrf(
  dash: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
): boolean {
  multipartTokens.set(request, token ?? '');
  let passed = false;
  dash.csrfProtection(request, reply, () => {
    passed = true;
  });
  return passed;
}

/** What the preview showed, kept with the file for importDirectory's `previewed` check. */
export interface KeptPreview {
  fileName: string;
  effectiveFrom: string;
  previewed: { contentHash: string; against: { id: number; contentHash: string } | null };
  /** Who previewed ("coordinator:<login>"). */
  actor: string;
  sha256: string;
}

function keptDir(root: string): string {
  return join(root, 'tmp', 'danh-ba');
}

/** Removes kept files older than a day (previews never applied). */
async function sweep(dir: string, now: number): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > KEEP_MS) await rm(path, { force: true });
  }
}

/** Keeps a previewed file; returns the id the apply form carries. */
export async function keepUpload(
  root: string,
  bytes: Buffer,
  preview: Omit<KeptPreview, 'sha256'>,
): Promise<string> {
  const dir = keptDir(root);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await sweep(dir, Date.now());
  const id = randomUUID();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(dir, `${id}.bin`), bytes, { mode: 0o600 });
  await writeFile(join(dir, `${id}.json`), JSON.stringify({ ...preview, sha256 }), { mode: 0o600 });
  return id;
}

/** A kept file and its preview, or undefined (unknown or malformed id, removed, or altered on disk). */
export async function takeUpload(
  root: string,
  id: string,
): Promise<{ bytes: Buffer; preview: KeptPreview } | undefined> {
  if (!UPLOAD_ID.test(id)) return undefined;
  const dir = keptDir(root);
  try {
    const [bytes, meta] = await Promise.all([
      readFile(join(dir, `${id}.bin`)),
      readFile(join(dir, `${id}.json`), 'utf8'),
    ]);
    const preview = JSON.parse(meta) as KeptPreview;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return sha256 === preview.sha256 ? { bytes, preview } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `actor` may apply a kept preview: only the coordinator who previewed it, who saw its changes
 * (another coordinator holding the form, or its id, previews the file themselves).
 */
export function mayApply(preview: KeptPreview, actor: string): boolean {
  return preview.actor === actor;
}

export async function dropUpload(root: string, id: string): Promise<void> {
  if (!UPLOAD_ID.test(id)) return;
  const dir = keptDir(root);
  await Promise.all([
    rm(join(dir, `${id}.bin`), { force: true }),
    rm(join(dir, `${id}.json`), { force: true }),
  ]);
}
