// The replies mailbox reader: takes the messages of the configured IMAP folder that carry no "done"
// keyword yet, one at a time (memory bounded by one message), hands each to ingestMessage, and only once
// its row says it was acted on marks it done (keyword $PhoihopDone and \Seen). The mailbox keeps every
// message: nothing is deleted or moved. New mail is noticed through IDLE where the server has it (imapflow
// idles between commands and reports EXISTS), with a look every pollSeconds besides (and instead, where it
// has not). Several readers may run: the row's claim makes one of them act, the others leave it.
import { ImapFlow } from 'imapflow';
import type { ImapConfig } from '../../config/replies';
import { ingestMessage, type IngestDeps, type IngestOutcome } from './ingest';

/** The keyword a message gets once its row is settled. */
export const DONE_KEYWORD = '$PhoihopDone';

export interface ReaderLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface BatchResult {
  seen: number;
  outcomes: IngestOutcome[];
}

export class ReplyReader {
  private client: ImapFlow | undefined;
  private stopped = true;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly imap: ImapConfig,
    private readonly deps: IngestDeps,
    private readonly log: ReaderLog,
  ) {}

  /** The folder as rows name it. */
  get mailboxName(): string {
    return `${this.imap.user}@${this.imap.host}/${this.imap.mailbox}`;
  }

  private async connected(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    const client = new ImapFlow({
      host: this.imap.host,
      port: this.imap.port,
      secure: this.imap.secure,
      auth: { user: this.imap.user, pass: this.imap.password },
      logger: false,
      // Bounded waits: a server that stops answering is given up and connected to again.
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 5 * 60_000,
    });
    client.on('error', (err: Error) =>
      this.log.warn({ err: err.message }, 'replies mailbox: connection error'),
    );
    client.on('exists', () => this.wake?.());
    await client.connect();
    await client.mailboxOpen(this.imap.mailbox);
    this.client = client;
    return client;
  }

  /** One pass: every message not yet marked done, oldest first. */
  async readOnce(): Promise<BatchResult> {
    const client = await this.connected();
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error(`the folder ${this.imap.mailbox} is not open`);
    // NOOP first: the server brings this session's view of the folder up to date (messages that arrived
    // since the last command), which a UID SEARCH alone may not do.
    await client.noop();
    const uids = (await client.search({ unKeyword: DONE_KEYWORD }, { uid: true })) || [];
    const result: BatchResult = { seen: uids.length, outcomes: [] };
    for (const uid of uids.sort((a, b) => a - b)) {
      if (this.stopped && this.loop) break;
      const message = await client.fetchOne(
        String(uid),
        { uid: true, source: true, internalDate: true },
        { uid: true },
      );
      if (!message || !message.source) continue;
      const outcome = await ingestMessage(this.deps, message.source, {
        mailbox: this.mailboxName,
        uidValidity: mailbox.uidValidity,
        uid: BigInt(uid),
        receivedAt: message.internalDate ? new Date(message.internalDate) : new Date(),
      });
      result.outcomes.push(outcome);
      // Marked only once its row is settled; a message another reader holds is left for it.
      if (outcome.kind === 'done') {
        await client.messageFlagsAdd(String(uid), [DONE_KEYWORD, '\\Seen'], { uid: true });
      }
      this.log.info({ uid, ...outcome }, 'replies mailbox: message read');
    }
    return result;
  }

  /** Reads until stop(): a pass, then a wait for new mail (IDLE) or the poll interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          await this.readOnce();
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'replies mailbox: read failed; will try again');
          await this.client?.logout().catch(() => undefined);
          this.client = undefined;
        }
        if (this.stopped) break;
        // IDLE at once (imapflow's own starts after 15 s without a command): the server reports new mail
        // (EXISTS) while we wait; the next pass's first command ends it.
        if (this.client?.usable && this.client.capabilities.has('IDLE')) {
          void this.client.idle({ whenFree: true }).catch(() => undefined);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.imap.pollSeconds * 1000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    })();
  }

  /** Stops after the message in hand (its row is settled) and logs out. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.client?.logout().catch(() => undefined);
    this.client = undefined;
  }
}
