// Opens the database DATABASE_URL points at, through Prisma Client (wasm query compiler + driver
// adapter: better-sqlite3 for SQLite, pg for PostgreSQL), after checking that it is reachable and
// migrated.
//
// There are two generated clients (src/generated/prisma-sqlite, src/generated/prisma-postgres), built
// from the same models (prisma/schema.base.prisma; `npm run db:derive -- --check` guards it). Callers
// see ONE type, `PrismaClient`, which is the SQLite client's: it is the narrower API (no
// PostgreSQL-only options such as `mode: 'insensitive'`), so anything that type-checks runs on both.
// The PostgreSQL client is cast to it; its runtime methods are the same because the models are.
import fs from 'node:fs';
import type { PrismaClient as SqlitePrismaClient } from '../generated/prisma-sqlite/client';
import { resolveDatabaseConfig, type DatabaseConfig, type DatabaseProvider } from './config';
import { connectionError, DatabaseUnavailableError, describeDatabase } from './errors';
import { blockingProblems, migrationStatus } from './migrate';

export type PrismaClient = SqlitePrismaClient;

export interface Database {
  prisma: PrismaClient;
  provider: DatabaseProvider;
  /** The database URL with any password masked. */
  url: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Check that every committed migration is applied (default true). */
  requireMigrated?: boolean;
  /**
   * SQLite: how long a statement waits for another connection's write lock before it fails with
   * SQLITE_BUSY (default DEFAULT_SQLITE_BUSY_TIMEOUT_MS). better-sqlite3 waits synchronously: the whole
   * process (the worker's other activities and workflow tasks too) stands still meanwhile.
   */
  busyTimeoutMs?: number;
}

/** better-sqlite3's own default, stated: the CLI and the portal may wait this long for a lock. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * The worker's wait for a SQLite lock held by another process (the portal, the CLI, a backup): short,
 * because the wait blocks every task of the worker; a write that gives up fails its activity with
 * SQLITE_BUSY, which is logged and retried a second later (src/workflows/activity-options.ts).
 */
export const WORKER_SQLITE_BUSY_TIMEOUT_MS = 1_000;

/**
 * PostgreSQL: how long a query waits for a free connection of the pool (node-postgres waits forever by
 * default: an exhausted pool would hang an activity silently until its start-to-close timeout).
 */
export const PG_CONNECTION_TIMEOUT_MS = 10_000;

async function createClient(config: DatabaseConfig, busyTimeoutMs: number): Promise<PrismaClient> {
  if (config.provider === 'sqlite') {
    const [{ PrismaClient: Client }, { PrismaBetterSQLite3 }] = await Promise.all([
      import('../generated/prisma-sqlite/client'),
      import('@prisma/adapter-better-sqlite3'),
    ]);
    return new Client({ adapter: new PrismaBetterSQLite3({ url: config.url, timeout: busyTimeoutMs }) });
  }
  const [{ PrismaClient: Client }, { PrismaPg }] = await Promise.all([
    import('../generated/prisma-postgres/client'),
    import('@prisma/adapter-pg'),
  ]);
  // Same models, same delegates: see the note at the top of this file.
  return new Client({
    adapter: new PrismaPg({
      connectionString: config.url,
      connectionTimeoutMillis: PG_CONNECTION_TIMEOUT_MS,
    }),
  }) as unknown as PrismaClient;
}

/** Checks that the database is reachable and migrated; throws DatabaseUnavailableError if not. */
async function checkReady(config: DatabaseConfig, requireMigrated: boolean): Promise<void> {
  const what = describeDatabase(config);
  if (config.provider === 'sqlite' && !fs.existsSync(config.filePath as string)) {
    throw new DatabaseUnavailableError(
      `The ${what} does not exist yet. Create and migrate it with \`npm run db:migrate\`.`,
    );
  }
  const report = await migrationStatus({ url: config.url }); // connects; throws connectionError
  if (!requireMigrated) return;
  if (!report.historyExists) {
    throw new DatabaseUnavailableError(
      `The ${what} has not been migrated (no _prisma_migrations table). Run \`npm run db:migrate\` ` +
        `with the same DATABASE_URL.`,
    );
  }
  const blocking = blockingProblems({ ...report, unknown: [] });
  if (report.pending.length > 0 || report.failed.length > 0) {
    throw new DatabaseUnavailableError(
      `The ${what} is not up to date: ` +
        (report.pending.length > 0
          ? `${report.pending.length} migration(s) not applied (${report.pending.join(', ')}). `
          : '') +
        (report.failed.length > 0 ? `${blocking} ` : '') +
        'Run `npm run db:migrate` with the same DATABASE_URL (`npm run db:status` shows the details).',
    );
  }
}

/**
 * Opens the database at `url` (default: DATABASE_URL, else the SQLite file phoihop.db in PHOIHOP_DATA or
 * .data).
 * Throws DatabaseConfigError for a bad URL and DatabaseUnavailableError when the database is
 * unreachable or not migrated, each saying what to do.
 */
export async function openDatabase(url?: string, options: OpenOptions = {}): Promise<Database> {
  const config = resolveDatabaseConfig(url);
  await checkReady(config, options.requireMigrated ?? true);
  const prisma = await createClient(config, options.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS);
  try {
    await prisma.$connect();
    await prisma.$queryRawUnsafe('SELECT 1');
    if (config.provider === 'sqlite') {
      // Write-ahead log: one fsync per commit instead of several (with the default rollback journal every
      // activity waits on the disk), and readers (portal, CLI) do not block the worker's writes.
      // synchronous stays FULL: a committed notification claim survives a power cut.
      await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    }
  } catch (error) {
    await prisma.$disconnect().catch(() => undefined);
    throw connectionError(config, error);
  }
  let closed = false;
  return {
    prisma,
    provider: config.provider,
    url: config.maskedUrl,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
    },
  };
}
