// The code in a task email's Reply-To (`<local>+<code>@<domain>`): the notification log row's id in base 36
// and an HMAC of it, so a reply says which email (so which task and recipient) it answers, and a code
// cannot be guessed or edited into another's. It is no credential: it reads nothing and submits nothing
// by itself; the reply's sender must still be a contact of the agency.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReplyConfig } from '../config/replies';

const LABEL = 'phoihop-reply-code:';
/** 12 hex digits: 48 bits of signature. */
const SIGNATURE_LENGTH = 12;
const CODE = /^r([0-9a-z]{1,10})\.([0-9a-f]{12})$/;

function signature(notificationId: number, secret: string): string {
  return createHmac('sha256', secret)
    .update(LABEL + String(notificationId))
    .digest('hex')
    .slice(0, SIGNATURE_LENGTH);
}

export function replyCode(notificationId: number, secret: string): string {
  return `r${notificationId.toString(36)}.${signature(notificationId, secret)}`;
}

/** The notification id a code names, or null when it is not one of ours (malformed, or signed otherwise). */
export function verifyReplyCode(code: string, secret: string): number | null {
  const m = CODE.exec(code.toLowerCase());
  if (!m) return null;
  const id = parseInt(m[1]!, 36);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const expected = Buffer.from(signature(id, secret));
  const given = Buffer.from(m[2]!);
  return timingSafeEqual(expected, given) ? id : null;
}

/** The Reply-To address of the email logged under `notificationId`. */
export function replyAddress(config: ReplyConfig, notificationId: number): string | undefined {
  if (!config.address) return undefined;
  return `${config.address.local}+${replyCode(notificationId, config.secret)}@${config.address.domain}`;
}

/** The notification id named by an address `<local>+<code>@<domain>` of ours, or null. */
export function notificationOfAddress(config: ReplyConfig, address: string): number | null {
  if (!config.address) return null;
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== config.address.domain) return null;
  const local = address.slice(0, at);
  const prefix = `${config.address.local}+`;
  if (local.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return null;
  return verifyReplyCode(local.slice(prefix.length), config.secret);
}
