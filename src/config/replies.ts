import { ConfigError, maskSecret } from './env-error';

/**
 * Where agencies' replies go, and how the mailbox they land in is read.
 *
 * Each task email carries `Reply-To: <local>+<code>@<domain>` (a sub-address: most mail servers deliver
 * it to `<local>@<domain>`), the code naming the email it answers (reply-code.ts). The code says which task
 * and recipient a reply is about; it grants nothing: a reply still has to come from a contact of the agency.
 */
export interface ReplyConfig {
  /** The mailbox's local part and domain; null when replies are not addressed (PHOIHOP_REPLY_TO=off). */
  address: { local: string; domain: string } | null;
  /** HMAC key of the codes (the link secret, under its own label). */
  secret: string;
}

/** How the reply reader reaches the mailbox (PHOIHOP_IMAP_URL); absent: no reader. */
export interface ImapConfig {
  host: string;
  port: number;
  /** imaps:// (implicit TLS) or imap:// (STARTTLS when the server offers it). */
  secure: boolean;
  user: string;
  password: string;
  /** The folder read (the URL's path, default INBOX). */
  mailbox: string;
  /** Seconds between two looks when the server has no IDLE, or as a safety net beside it. */
  pollSeconds: number;
}

type Env = Record<string, string | undefined>;

const PLAIN_ADDRESS = /^([A-Za-z0-9._-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/;
/** The address inside a From header ("Name <a@b>" or "a@b"). */
const ADDRESS_IN = /<?([^\s<>]+@[^\s<>]+)>?\s*$/;
/** The longest code reply-code.ts makes (a 53-bit notification id in base 36 and the signature). */
export const MAX_REPLY_CODE_LENGTH = 24;

export function replyConfigFromEnv(env: Env, smtpFrom: string, linkSecret: string): ReplyConfig {
  const value = env.PHOIHOP_REPLY_TO?.trim();
  if (value === 'off') return { address: null, secret: linkSecret };
  const address = value || ADDRESS_IN.exec(smtpFrom)?.[1] || '';
  const m = PLAIN_ADDRESS.exec(address);
  if (!m) {
    throw new ConfigError(
      value ? 'PHOIHOP_REPLY_TO' : 'SMTP_FROM',
      `"${address}" cannot take replies: expected a plain mailbox address without "+" ` +
        '(letters, digits, dot, dash, underscore before the @; e.g. vanthu@example.gov.vn), ' +
        'or PHOIHOP_REPLY_TO=off to send task emails without a reply address',
    );
  }
  // RFC 5321: a local part is at most 64 octets; the code and its "+" must fit.
  if (m[1]!.length + 1 + MAX_REPLY_CODE_LENGTH > 64) {
    throw new ConfigError(
      value ? 'PHOIHOP_REPLY_TO' : 'SMTP_FROM',
      `"${address}": the part before the @ is ${m[1]!.length} characters; at most ${64 - 1 - MAX_REPLY_CODE_LENGTH} leave room for the reply code`,
    );
  }
  return { address: { local: m[1]!, domain: m[2]!.toLowerCase() }, secret: linkSecret };
}

export const DEFAULT_IMAP_POLL_SECONDS = 60;

export function imapConfigFromEnv(env: Env = process.env): ImapConfig | null {
  const raw = env.PHOIHOP_IMAP_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'PHOIHOP_IMAP_URL',
      `"${maskSecret(raw)}" is not a URL (example: imaps://vanthu%40example.gov.vn:password@mail.example.gov.vn/INBOX)`,
    );
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') {
    throw new ConfigError('PHOIHOP_IMAP_URL', `"${maskSecret(raw)}" must start with imap:// or imaps://`);
  }
  if (!url.hostname) throw new ConfigError('PHOIHOP_IMAP_URL', `"${maskSecret(raw)}" has no host`);
  if (!url.username || !url.password) {
    throw new ConfigError(
      'PHOIHOP_IMAP_URL',
      `"${maskSecret(raw)}" needs the mailbox's user and password (imaps://user:password@host/INBOX; write @ in a user name as %40)`,
    );
  }
  const secure = url.protocol === 'imaps:';
  const mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
  const poll = env.PHOIHOP_IMAP_POLL_SECONDS?.trim();
  const pollSeconds = poll ? Number(poll) : DEFAULT_IMAP_POLL_SECONDS;
  if (!Number.isFinite(pollSeconds) || pollSeconds < 0.1 || pollSeconds > 3600) {
    throw new ConfigError(
      'PHOIHOP_IMAP_POLL_SECONDS',
      `"${poll}" is not a number of seconds between 0.1 and 3600 (e.g. 60)`,
    );
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    mailbox,
    pollSeconds,
  };
}
