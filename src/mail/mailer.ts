import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { SmtpConfig } from '../config/smtp';
import { maskSecret } from '../config/env-error';
import { ServiceUnreachableError, shortReason } from '../config/unreachable';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Deterministic Message-ID (with angle brackets), so a resend after a crash can be recognised. */
  messageId: string;
  /** Where replies go (a task email's sub-address with its reply code). */
  replyTo?: string;
  headers?: Record<string, string>;
  /** Files attached to the email (the consolidated report's DOCX and PDF). */
  attachments?: EmailAttachment[];
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface SentEmail {
  messageId: string;
  response: string;
}

/** What went wrong sending one email, classified for the retry policy. */
export class EmailRejectedError extends Error {
  constructor(
    readonly permanent: boolean,
    readonly responseCode: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'EmailRejectedError';
  }
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<SentEmail>;
  /** Connects and greets the SMTP server; throws ServiceUnreachableError with a fix when it cannot. */
  verify(): Promise<void>;
  close(): void;
}

export function createMailer(config: Pick<SmtpConfig, 'url' | 'from'>): Mailer {
  // Bounded timeouts (nodemailer's defaults reach 10 minutes): one attempt ends well within the
  // notification lease (notification-log.ts), so a stuck attempt is retried instead of blocking.
  // Pooled: a few connections kept open and reused (up to 100 messages each) instead of a TCP connection,
  // greeting and EHLO per email; a connection the server dropped is replaced on the next send.
  const transport = nodemailer.createTransport(
    {
      url: config.url,
      pool: true,
      maxConnections: 4,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    } as SMTPTransport.Options,
    { from: config.from },
  );
  const where = maskSecret(config.url);
  return {
    async send(email) {
      try {
        const info: SMTPTransport.SentMessageInfo = await transport.sendMail({
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          // Base64 for every text part: what nodemailer would choose for Vietnamese text anyway, without
          // scanning each body to decide (measurable at tens of thousands of emails).
          textEncoding: 'base64',
          messageId: email.messageId,
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          headers: email.headers,
          attachments: email.attachments,
        });
        if (info.rejected.length > 0) {
          throw new EmailRejectedError(
            true,
            undefined,
            `the SMTP server rejected ${info.rejected.join(', ')}`,
          );
        }
        return { messageId: info.messageId, response: info.response };
      } catch (err) {
        if (err instanceof EmailRejectedError) throw err;
        const e = err as { responseCode?: number; code?: string; message?: string };
        // 5xx replies are permanent (RFC 5321); 4xx replies and connection problems are worth retrying.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        throw new EmailRejectedError(
          permanent,
          e.responseCode,
          `sending to ${email.to} through ${where} failed: ${shortReason(err)}`,
        );
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw new ServiceUnreachableError(
          'SMTP',
          where,
          shortReason(err),
          'start the embedded stack with `scripts/stack start` (it runs a local inbox), or set SMTP_URL to your relay',
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
