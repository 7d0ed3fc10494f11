// A notice that must reach someone: when none of its recipients could be reached (every address refused
// for good), it goes up the agency at once. Workflow-safe: `send` is the workflow's email activity.
import type { RecipientRole } from '../../programs/types';

/** Who is told instead, in order, when none of a notice's recipients can be reached. */
export const FALLBACK_RECIPIENTS: RecipientRole[][] = [['head'], ['coordinators']];

/** What one send came to (the email activities' result): emails delivered, recipients refused for good. */
export interface SendOutcome {
  delivered: number;
  /** "role email: reason" of each recipient refused for good. */
  undeliverable: string[];
}

export interface FallbackOptions {
  /** Where the notice's notes go (refused recipients, who it went to instead). */
  note: (line: string) => void;
  /** Also note the recipients refused by the fallback sends, not only by the first one. */
  noteFallbackRefusals: boolean;
}

/**
 * Sends `step` to `recipients`; if nobody got it and some were refused, sends it to the first group of
 * FALLBACK_RECIPIENTS not already among them (step `<step>-to-<roles>`), then the next, until one
 * delivers. A send that reached nobody without refusals (no address on file) does not go up.
 */
export async function sendWithFallback(
  send: (to: RecipientRole[], step: string) => Promise<SendOutcome>,
  recipients: RecipientRole[],
  step: string,
  { note, noteFallbackRefusals }: FallbackOptions,
): Promise<void> {
  const result = await send(recipients, step);
  for (const failure of result.undeliverable) note(`undeliverable: ${failure}`);
  if (result.delivered > 0 || result.undeliverable.length === 0) return;
  // Nobody could be reached (addresses refused for good): the message goes up the ladder at once.
  for (const next of FALLBACK_RECIPIENTS) {
    if (next.every((role) => recipients.includes(role))) continue;
    note(`${step}: nobody reachable; sent to ${next.join(', ')} instead`);
    const fallback = await send(next, `${step}-to-${next.join('-')}`);
    if (noteFallbackRefusals) for (const failure of fallback.undeliverable) note(`undeliverable: ${failure}`);
    if (fallback.delivered > 0) return;
  }
}
