import { ConfigError, maskSecret } from './env-error';

export interface SmtpConfig {
  /** smtp:// (plain or STARTTLS) or smtps:// (implicit TLS) URL, credentials included if any. */
  url: string;
  /** The From header of every email. */
  from: string;
  /** The inbox a person can read when the embedded Mailpit is used, for links printed to people. */
  inboxUrl?: string;
  /**
   * Emails per second, for the whole deployment: enforced by the Temporal server on the mail task queue,
   * however many workers poll it, so a relay is never flooded (SMTP_MAX_PER_SECOND, default 10).
   */
  maxPerSecond: number;
}

export const DEFAULT_MAX_EMAILS_PER_SECOND = 10;

type Env = Record<string, string | undefined>;

const MAILBOX = /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/;

export function smtpConfigFromEnv(env: Env = process.env): SmtpConfig {
  const url = env.SMTP_URL?.trim() || 'smtp://127.0.0.1:1025';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      'SMTP_URL',
      `"${maskSecret(url)}" is not a URL (examples: smtp://127.0.0.1:1025, smtps://user:pass@mail.example.vn:465)`,
    );
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError('SMTP_URL', `"${maskSecret(url)}" must start with smtp:// or smtps://`);
  }
  if (!parsed.hostname) throw new ConfigError('SMTP_URL', `"${maskSecret(url)}" has no host`);
  const from = env.SMTP_FROM?.trim() || 'Phối hợp <phoihop@example.gov.vn>';
  if (!MAILBOX.test(from)) {
    throw new ConfigError(
      'SMTP_FROM',
      `"${from}" is not an email address (example: "Sở VHTTDL <vanthu@example.gov.vn>")`,
    );
  }
  const inboxUrl =
    env.PHOIHOP_INBOX_URL?.trim() || `http://127.0.0.1:${env.MAILPIT_UI_PORT?.trim() || '8025'}`;
  const rate = env.SMTP_MAX_PER_SECOND?.trim();
  const maxPerSecond = rate ? Number(rate) : DEFAULT_MAX_EMAILS_PER_SECOND;
  if (!Number.isFinite(maxPerSecond) || maxPerSecond <= 0 || maxPerSecond > 10_000) {
    throw new ConfigError(
      'SMTP_MAX_PER_SECOND',
      `"${rate}" is not a rate: expected emails per second, a number above 0 and at most 10000 (e.g. 10, or 0.5 for one every two seconds)`,
    );
  }
  return { url, from, inboxUrl, maxPerSecond };
}
