// What a failed workflow Update means to a web page, decided in one place for the portal's forms and the
// dashboard's audited actions: refused by the workflow (a coded refusal, or an uncoded failure and its
// message), the workflow gone or ended (nothing can be recorded any more), or an outcome nobody knows
// (Temporal unreachable, a timeout: the Update may still be recorded, so a retry is the answer).
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { refusalOf, translateRefusal } from '../i18n/refusals';
import type { Refusal } from '../workflows/refusals';
import type { Lang } from './i18n';

export type UpdateFailure =
  /** The workflow refused: `refusal` when it said why with a code, else only its failure's message. */
  | { kind: 'refused'; refusal: Refusal | undefined; message: string }
  /** No such workflow, or it has completed: nothing was recorded and nothing can be. */
  | { kind: 'ended' }
  /** Temporal unreachable or timed out: the Update may or may not have been recorded. */
  | { kind: 'unknown'; error: unknown };

/** Sorts the error an `executeUpdate` threw. */
export function updateFailureOf(err: unknown): UpdateFailure {
  if (err instanceof WorkflowUpdateFailedError) {
    return {
      kind: 'refused',
      refusal: refusalOf(err),
      message: (err.cause as Error | undefined)?.message ?? err.message,
    };
  }
  if (
    err instanceof WorkflowNotFoundError ||
    /already completed/.test((err as Error | undefined)?.message ?? '')
  ) {
    return { kind: 'ended' };
  }
  return { kind: 'unknown', error: err };
}

/** Why the workflow refused, in the agency's words (an uncoded failure: its message as it is). */
export function refusalTextForAgency(
  failure: { refusal: Refusal | undefined; message: string },
  lang: Lang,
): string {
  return failure.refusal ? translateRefusal(failure.refusal, lang, 'agency') : failure.message;
}

/** The error page a portal form shows for a failed Update: status and message under the form's heading. */
export interface FailurePage {
  status: number;
  message: string;
}

/**
 * The portal's page for a failed Update: 409 with the refusal in the reader's words, 410 with
 * `endedMessage` when the workflow is gone, 503 "try again" (`tryAgain`) when the outcome is unknown.
 */
export function portalFailurePage(
  failure: UpdateFailure,
  lang: Lang,
  words: { endedMessage: string; tryAgain: string },
): FailurePage {
  switch (failure.kind) {
    case 'refused':
      return { status: 409, message: refusalTextForAgency(failure, lang) };
    case 'ended':
      return { status: 410, message: words.endedMessage };
    case 'unknown':
      return { status: 503, message: words.tryAgain };
  }
}
