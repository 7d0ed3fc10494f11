// The replies reader process: reads the mailbox named by PHOIHOP_IMAP_URL and turns agencies' replies into
// submissions (ingest.ts) until SIGINT or SIGTERM. It needs what the portal needs (database, Temporal,
// files, link key) and SMTP for its answers to held messages. Any number may run: each message is acted on
// once (its InboundMessage row).
import { linkConfigFromEnv } from '../../config/links';
import { filesConfigFromEnv } from '../../config/files';
import { describeFatal } from '../../config/fatal';
import { smtpConfigFromEnv } from '../../config/smtp';
import { imapConfigFromEnv, replyConfigFromEnv } from '../../config/replies';
import { ConfigError } from '../../config/env-error';
import { temporalConfigFromEnv } from '../../config/temporal';
import { openDatabase } from '../../db/client';
import { createMailer } from '../../mail/mailer';
import { lazyClient } from '../../temporal/connection';
import { ReplyReader } from './reader';

async function main(): Promise<void> {
  const imap = imapConfigFromEnv();
  if (!imap) {
    throw new ConfigError(
      'PHOIHOP_IMAP_URL',
      'is not set: the replies reader needs the mailbox to read (e.g. imaps://vanthu%40example.gov.vn:password@mail.example.gov.vn/INBOX)',
    );
  }
  const links = linkConfigFromEnv();
  const smtp = smtpConfigFromEnv();
  const replies = replyConfigFromEnv(process.env, smtp.from, links.secret);
  const files = filesConfigFromEnv();
  const db = await openDatabase();
  const temporal = lazyClient(temporalConfigFromEnv());
  const mailer = createMailer(smtp);
  const log = {
    info: (fields: object, message: string) =>
      console.log(JSON.stringify({ level: 'info', message, ...fields })),
    warn: (fields: object, message: string) =>
      console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
  };
  const reader = new ReplyReader(imap, { db, temporal, mailer, from: smtp.from, files, links, replies }, log);
  const stop = async () => {
    await reader.stop();
    mailer.close();
    await temporal.connection.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  reader.start();
  console.log(
    `[phoihop] replies reader running: ${imap.user}@${imap.host}:${imap.port}/${imap.mailbox} ` +
      `(IDLE, else every ${imap.pollSeconds} s), replies to ${replies.address ? `${replies.address.local}+<code>@${replies.address.domain}` : 'nobody (PHOIHOP_REPLY_TO=off)'}`,
  );
}

main().catch((err: unknown) => {
  console.error(`[phoihop] the replies reader cannot start: ${describeFatal(err)}`);
  process.exit(1);
});
