import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { createDatabase } from './postgres';

export type Provider = 'sqlite' | 'postgresql';
export const providers: Provider[] = ['sqlite', 'postgresql'];

export interface TestDatabase {
  db: Database;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database migrated from zero through the project's own migration command: a SQLite file in a
 * temporary folder, or a new database on the jest run's PostgreSQL cluster (PHOIHOP_TEST_PG_URL).
 */
export async function freshDatabase(provider: Provider, name: string): Promise<TestDatabase> {
  let url: string;
  let cleanup: () => void = () => undefined;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'phoihop-db-'));
    url = `file:${join(dir, 'test.db')}`;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  } else {
    const base = process.env.PHOIHOP_TEST_PG_URL;
    if (!base)
      throw new Error('PHOIHOP_TEST_PG_URL is not set: run the tests through jest (its global setup)');
    url = await createDatabase(base, name.toLowerCase().replace(/[^a-z0-9_]/g, '_'));
  }
  await migrate({ url });
  const db = await openDatabase(url);
  return {
    db,
    url,
    async drop() {
      await db.close();
      cleanup();
    },
  };
}

export function testSmtpUrl(): string {
  const url = process.env.PHOIHOP_TEST_SMTP_URL;
  if (!url)
    throw new Error('PHOIHOP_TEST_SMTP_URL is not set: run the tests through jest (its global setup)');
  return url;
}

export function testMailpitApi(): string {
  const url = process.env.PHOIHOP_TEST_MAILPIT_API;
  if (!url)
    throw new Error('PHOIHOP_TEST_MAILPIT_API is not set: run the tests through jest (its global setup)');
  return url;
}
