// The shape a submission must have, checked by the `submit` Update's validator (deterministic, no I/O).
// The portal checks the same bounds before it stores any file, plus the program's figure definitions.
import { SUBMISSION_LIMITS, type AttachmentRef } from './obligation-types';
import { refusal, type Refusal } from './refusals';

const FIGURE_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** Content-addressed: "<2 hex>/<sha256>.<ext>", never absolute, never "..". */
const STORAGE_PATH = /^[0-9a-f]{2}\/[0-9a-f]{64}\.[a-z]{3,4}$/;

/** Why a submission's fields are out of bounds (its refusal), or undefined when they are fine. */
export function submissionShapeProblem(input: {
  submittedBy: string;
  summary: string;
  figures?: Record<string, number>;
  attachments?: AttachmentRef[];
}): Refusal | undefined {
  if (input.submittedBy.length > SUBMISSION_LIMITS.submittedBy) {
    const limit = SUBMISSION_LIMITS.submittedBy;
    return refusal(
      'text-too-long',
      { field: 'submittedBy', limit },
      `submittedBy is longer than ${limit} characters`,
    );
  }
  if (input.summary.length > SUBMISSION_LIMITS.summary) {
    const limit = SUBMISSION_LIMITS.summary;
    return refusal(
      'text-too-long',
      { field: 'summary', limit },
      `summary is longer than ${limit} characters`,
    );
  }
  const figures = Object.entries(input.figures ?? {});
  if (figures.length > SUBMISSION_LIMITS.figures) {
    const limit = SUBMISSION_LIMITS.figures;
    return refusal('too-many', { what: 'figures', limit }, `more than ${limit} figures`);
  }
  for (const [key, value] of figures) {
    if (!FIGURE_KEY.test(key))
      return refusal('figure-invalid', { key }, `figure key "${key}" is not a kebab-case key`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return refusal('figure-invalid', { key }, `figure "${key}" must be a number ≥ 0`);
    }
  }
  const attachments = input.attachments ?? [];
  if (attachments.length > SUBMISSION_LIMITS.attachments) {
    const limit = SUBMISSION_LIMITS.attachments;
    return refusal('too-many', { what: 'attachments', limit }, `more than ${limit} attachments`);
  }
  for (const a of attachments) {
    const invalid = (message: string) =>
      refusal('attachment-invalid', { fileName: String(a.fileName) }, message);
    if (!a.fileName || a.fileName.length > SUBMISSION_LIMITS.fileName || /[/\\\0]/.test(a.fileName)) {
      return invalid(`attachment name "${a.fileName}" is empty, too long or contains a path`);
    }
    if (!SHA256.test(a.sha256)) return invalid(`attachment "${a.fileName}" has no valid sha256`);
    if (!STORAGE_PATH.test(a.storagePath) || !a.storagePath.includes(a.sha256)) {
      return invalid(`attachment "${a.fileName}" has an invalid storage path`);
    }
    if (!Number.isInteger(a.sizeBytes) || a.sizeBytes <= 0) {
      return invalid(`attachment "${a.fileName}" has an invalid size`);
    }
  }
  return undefined;
}
