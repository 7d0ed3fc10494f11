import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyMultipartBaseOptions } from '@fastify/multipart';
import type { FilesConfig } from '../../config/files';
import { CONTENT_REFUSALS } from '../../files/sniff';
import { sanitizeFileName } from '../../files/names';
import type { FileProblem, UploadBatch } from '../../files/storage';
import { formatSize, TEXT, type Lang } from '../i18n';

/** The reply, sent once the upload's temp area is clean (a response must not race the clean-up). */
export type Respond = () => FastifyReply | Promise<FastifyReply>;

/** The fields and files of a portal form, read from a multipart or URL-encoded body. */
export interface ReadForm {
  fields: Record<string, string>;
  files: { name: string; problem: FileProblem }[];
  /** Files chosen, including refused ones and those beyond the limit. */
  fileCount: number;
  /** The parser refused the form as a whole (too many parts, malformed). */
  broken?: 'too-many-files' | 'malformed';
}

/**
 * Reads a portal form (a submission, a recommendation's report): fields as text, each file of the
 * `attachments` input streamed into the batch's temp area (checked there: size, emptiness, type by content).
 * Files beyond the limit are read and dropped, so that the whole request is consumed and the page can say
 * how many were chosen. Nothing is stored: the caller commits or discards the batch.
 */
export async function readUploadForm(
  request: FastifyRequest,
  batch: UploadBatch,
  files: FilesConfig,
): Promise<ReadForm> {
  const form: ReadForm = { fields: {}, files: [], fileCount: 0 };
  if (!request.isMultipart()) {
    for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string') form.fields[name] = value;
    }
    return form;
  }
  try {
    // A file over the size limit is truncated and reported for itself (not thrown: the rest is read).
    const options: FastifyMultipartBaseOptions = {
      limits: { fileSize: files.maxFileBytes, files: 20, fields: 100, fieldSize: 64 * 1024, parts: 120 },
      throwFileSizeLimit: false,
    };
    const parts = request.parts(options as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string' && !(part.fieldname in form.fields)) {
          form.fields[part.fieldname] = part.value;
        }
        continue;
      }
      // A file input left empty still sends a part, with no name and no bytes.
      if (part.fieldname !== 'attachments' || !part.filename) {
        await drain(part.file);
        continue;
      }
      form.fileCount++;
      if (form.fileCount > files.maxFiles) {
        await drain(part.file);
        continue;
      }
      const staged = await batch.receive(part.file, part.filename, () => part.file.truncated);
      if ('problem' in staged) {
        form.files.push({ name: sanitizeFileName(part.filename), problem: staged.problem });
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') form.broken = 'too-many-files';
    else if (code.startsWith('FST_') || /multipart|Part terminated/i.test((err as Error).message)) {
      form.broken = 'malformed';
    } else throw err;
  }
  return form;
}

/**
 * What is wrong with a read form's files (too many, refused by content, too big, a broken form), as the
 * person reads it, with the HTTP status to answer: 413 (too big / too many), 415 (type), else 400.
 */
export function uploadProblems(
  form: ReadForm,
  files: FilesConfig,
  lang: Lang,
): { problems: string[]; status: number } {
  const t = TEXT[lang];
  const problems: string[] = [];
  let status = 400;
  const limit = formatSize(files.maxFileBytes, lang);
  if (form.broken === 'too-many-files' || form.fileCount > files.maxFiles) {
    // Past the parser's ceiling the rest of the form is not read: the count is unknown.
    problems.push(
      t.tooManyFiles(files.maxFiles, form.broken === 'too-many-files' ? undefined : form.fileCount),
    );
    status = 413;
  }
  for (const f of form.files) {
    problems.push(t.fileProblem(f.name || '?', f.problem, limit));
    if (f.problem === 'too-big') status = 413;
    else if (status !== 413 && CONTENT_REFUSALS.has(f.problem)) status = 415;
  }
  if (form.broken === 'malformed') problems.push(t.formExpired);
  return { problems, status };
}

/** Reads a part to its end and drops it (the parser only moves on once a part is consumed). */
async function drain(stream: Readable): Promise<void> {
  stream.resume();
  await finished(stream);
}
