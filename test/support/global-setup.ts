import { startMailpit, type TestMailServer } from './mailpit';
import { startTestPostgres } from './postgres';

/**
 * Starts the servers every test file may use, once per jest run, on free loopback ports: a real SMTP
 * server (Mailpit) and a throwaway PostgreSQL cluster. Temporal servers are started by the test files
 * that need them (time-skipping or dev server), so each file controls its own.
 * global-teardown.ts stops what this starts.
 */
export default async function globalSetup(): Promise<void> {
  const started: { stop(): Promise<void> }[] = [];
  (globalThis as { __phoihopServers?: typeof started }).__phoihopServers = started;

  const mail: TestMailServer = await startMailpit();
  started.push(mail);
  process.env.PHOIHOP_TEST_SMTP_URL = mail.smtpUrl;
  process.env.PHOIHOP_TEST_MAILPIT_API = mail.apiUrl;

  const pg = await startTestPostgres();
  started.push(pg);
  process.env.PHOIHOP_TEST_PG_URL = pg.url;
}
