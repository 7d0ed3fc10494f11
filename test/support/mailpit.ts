import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailpitPath } from './tools';
import { freePort, waitForPort } from './ports';

/** A real SMTP server (Mailpit) on loopback, with its HTTP API to read what arrived. */
export interface TestMailServer {
  smtpUrl: string;
  apiUrl: string;
  stop(): Promise<void>;
}

export interface StartMailOptions {
  /** Recipients matching this regular expression are accepted; others get a permanent 550 refusal. */
  allowedRecipients?: string;
  /** A fixed SMTP port (default: a free one), e.g. to bring a server up where a client already points. */
  smtpPort?: number;
}

export async function startMailpit(options: StartMailOptions = {}): Promise<TestMailServer> {
  const smtpPort = options.smtpPort ?? (await freePort());
  const httpPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'phoihop-mailpit-'));
  const args = [
    '--smtp',
    `127.0.0.1:${smtpPort}`,
    '--listen',
    `127.0.0.1:${httpPort}`,
    '--database',
    join(dir, 'mailpit.db'),
    '--max',
    '0',
    '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure',
    '--disable-version-check',
    '--smtp-disable-rdns',
    '--quiet',
  ];
  if (options.allowedRecipients) args.push('--smtp-allowed-recipients', options.allowedRecipients);
  const child: ChildProcess = spawn(mailpitPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(smtpPort, 15000, 'Mailpit SMTP');
    await waitForPort(httpPort, 15000, 'Mailpit API');
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl: `http://127.0.0.1:${httpPort}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MailSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  /** When the SMTP server received it (RFC 3339, millisecond precision). */
  Created: string;
}

export interface MailDetail extends MailSummary {
  Text: string;
  HTML: string;
}

/** Reads what a Mailpit instance received, through its HTTP API. */
export class MailpitApi {
  constructor(readonly apiUrl: string) {}

  async list(): Promise<MailSummary[]> {
    const res = await fetch(`${this.apiUrl}/api/v1/messages?limit=1000`);
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
    const body = (await res.json()) as { messages: MailSummary[] };
    return body.messages;
  }

  /** The messages matching a Mailpit search (e.g. `message-id:<id>`, `subject:"…"`), newest first. */
  async search(query: string): Promise<MailSummary[]> {
    const res = await fetch(`${this.apiUrl}/api/v1/search?query=${encodeURIComponent(query)}&limit=1000`);
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
    return ((await res.json()) as { messages: MailSummary[] }).messages;
  }

  /** How many messages the server holds. */
  async total(): Promise<number> {
    const res = await fetch(`${this.apiUrl}/api/v1/messages?limit=1`);
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
    return ((await res.json()) as { total: number }).total;
  }

  async get(id: string): Promise<MailDetail> {
    const res = await fetch(`${this.apiUrl}/api/v1/message/${encodeURIComponent(id)}`);
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
    return (await res.json()) as MailDetail;
  }

  async headers(id: string): Promise<Record<string, string[]>> {
    const res = await fetch(`${this.apiUrl}/api/v1/message/${encodeURIComponent(id)}/headers`);
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
    return (await res.json()) as Record<string, string[]>;
  }

  async clear(): Promise<void> {
    const res = await fetch(`${this.apiUrl}/api/v1/messages`, { method: 'DELETE' });
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
  }

  /** Waits until at least `count` messages match, then returns the matches. */
  async waitFor(
    predicate: (m: MailSummary) => boolean,
    count = 1,
    timeoutMs = 20000,
  ): Promise<MailSummary[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.list()).filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} matching email(s) within ${timeoutMs} ms, found ${found.length}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
