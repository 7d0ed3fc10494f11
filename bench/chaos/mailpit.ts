import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../test/support/ports';
import { mailpitPath } from '../../test/support/tools';
import type { MailSummary } from '../../test/support/mailpit';

/**
 * Mailpit that can be stopped and brought back on the same SMTP and API ports with the same message
 * store, so what arrived before an outage is still counted after it (test/support/mailpit.ts starts a new,
 * empty store each time).
 */
export class RestartableMailpit {
  private child: ChildProcess | undefined;
  private stderr = '';

  private constructor(
    readonly smtpPort: number,
    readonly httpPort: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RestartableMailpit> {
    const server = new RestartableMailpit(
      await freePort(),
      await freePort(),
      mkdtempSync(join(tmpdir(), 'phoihop-chaos-mailpit-')),
    );
    try {
      await server.up();
    } catch (err) {
      await server.destroy();
      throw err;
    }
    return server;
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts Mailpit on the server's ports, with the store of any earlier run. */
  async up(): Promise<void> {
    if (this.running) return;
    const child = spawn(
      mailpitPath(),
      [
        '--smtp',
        `127.0.0.1:${this.smtpPort}`,
        '--listen',
        `127.0.0.1:${this.httpPort}`,
        '--database',
        join(this.dir, 'mailpit.db'),
        '--max',
        '0',
        '--smtp-auth-accept-any',
        '--smtp-auth-allow-insecure',
        '--disable-version-check',
        '--smtp-disable-rdns',
        '--quiet',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    try {
      await waitForPort(this.smtpPort, 15_000, 'Mailpit SMTP');
      await waitForPort(this.httpPort, 15_000, 'Mailpit API');
    } catch (err) {
      await this.down();
      throw new Error(`${(err as Error).message}\n${this.stderr}`);
    }
  }

  /** Stops Mailpit (SIGTERM, as an operator or a host shutdown would): its SMTP port then refuses. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every message the store holds (paged: the API returns at most `limit` at a time). */
  async all(): Promise<MailSummary[]> {
    const messages: MailSummary[] = [];
    for (let start = 0; ; start += 1000) {
      const res = await fetch(`${this.apiUrl}/api/v1/messages?start=${start}&limit=1000`);
      if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
      const page = (await res.json()) as { total: number; messages: MailSummary[] };
      messages.push(...page.messages);
      if (page.messages.length === 0 || messages.length >= page.total) return messages;
    }
  }
}
