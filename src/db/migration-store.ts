// Prisma's migration history table, `_prisma_migrations`, read and written with the plain database
// drivers (better-sqlite3, pg) in exactly the shape Prisma Migrate uses, so that `prisma migrate status`
// and our own runner agree. (Our runner exists because `prisma migrate deploy` fails on PostgreSQL with
// the JS schema engine in Prisma 6.19, bug 27403; we use it on SQLite too, so both behave the same.)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import type { DatabaseConfig, DatabaseProvider } from './config';
import type { MigrationFile } from './migration-files';

/** One row of `_prisma_migrations`. */
export interface MigrationRow {
  id: string;
  checksum: string;
  migrationName: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  appliedStepsCount: number;
  logs: string | null;
}

export interface MigrationStore {
  provider: DatabaseProvider;
  /** The rows of `_prisma_migrations`, or null when the table does not exist (never migrated). */
  rows(): Promise<MigrationRow[] | null>;
  /** Creates `_prisma_migrations` if missing. */
  ensureTable(): Promise<void>;
  /** Serialises concurrent migrators (PostgreSQL advisory lock, the one Prisma uses). */
  lock(): Promise<void>;
  /** Runs one migration and records it. Throws (after recording the failure when not atomic). */
  apply(migration: MigrationFile): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when a migration's SQL fails. */
export class MigrationApplyError extends Error {
  override name = 'MigrationApplyError';
  constructor(
    message: string,
    readonly migrationName: string,
    /** False when the database may hold part of the migration (not run in a transaction). */
    readonly rolledBack: boolean,
  ) {
    super(message);
  }
}

const PRISMA_ADVISORY_LOCK = 72707369;

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const SELECT_ROWS = `SELECT "id", "checksum", "migration_name", "started_at", "finished_at", "rolled_back_at",
  "applied_steps_count", "logs" FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"`;

/**
 * Whether a script manages transactions or connection state itself, so it must run as Prisma runs it:
 * statement by statement, outside a transaction. Prisma's SQLite table redefinitions switch
 * `PRAGMA foreign_keys` (a no-op inside a transaction); PostgreSQL scripts may contain BEGIN/COMMIT
 * (enum rewrites) or CREATE INDEX CONCURRENTLY. Every other script runs atomically with its record.
 */
export function needsOwnTransactionControl(sql: string): boolean {
  const code = sql.replace(/--[^\n]*/g, '');
  return (
    /\bPRAGMA\s+foreign_keys\b/i.test(code) ||
    /^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|END)\b/im.test(code) ||
    /\bCONCURRENTLY\b/i.test(code) ||
    /\bVACUUM\b/i.test(code)
  );
}

/**
 * The message of a driver error. Not `error instanceof Error`: better-sqlite3's native addon is loaded
 * once per process and builds its errors with the SqliteError class of whichever JS realm first opened
 * a database, so in another realm (a later jest test file, a vm context) they are not `instanceof`
 * this realm's Error, and String(error) would prefix the message with "SqliteError: ".
 */
function errorText(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return String(error);
}

// ----------------------------------------------------------------------------------------------
// SQLite
// ----------------------------------------------------------------------------------------------

/** Prisma writes SQLite timestamps as RFC 3339 text, e.g. 2026-11-28T11:28:55.493+00:00. */
function sqliteNow(): string {
  return new Date().toISOString().replace('Z', '+00:00');
}

function sqliteDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  // CURRENT_TIMESTAMP style "YYYY-MM-DD HH:MM:SS" is UTC.
  return new Date(/^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
}

interface SqliteRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: unknown;
  finished_at: unknown;
  rolled_back_at: unknown;
  applied_steps_count: number;
  logs: string | null;
}

class SqliteMigrationStore implements MigrationStore {
  readonly provider = 'sqlite' as const;
  constructor(private readonly db: BetterSqlite3.Database | null) {}

  async rows(): Promise<MigrationRow[] | null> {
    if (this.db === null) return null;
    const exists = this.db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`)
      .get();
    if (exists === undefined) return null;
    return (this.db.prepare(SELECT_ROWS).all() as SqliteRow[]).map((r) => ({
      id: r.id,
      checksum: r.checksum,
      migrationName: r.migration_name,
      startedAt: sqliteDate(r.started_at) ?? new Date(0),
      finishedAt: sqliteDate(r.finished_at),
      rolledBackAt: sqliteDate(r.rolled_back_at),
      appliedStepsCount: Number(r.applied_steps_count),
      logs: r.logs,
    }));
  }

  private get writable(): BetterSqlite3.Database {
    if (this.db === null) throw new Error('SQLite database opened read-only');
    return this.db;
  }

  async ensureTable(): Promise<void> {
    this.writable.exec(SQLITE_TABLE);
  }

  async lock(): Promise<void> {
    // One machine, one file: SQLite serialises writers itself; nothing more to do.
  }

  async apply(migration: MigrationFile): Promise<void> {
    const db = this.writable;
    const id = randomUUID();
    const insert = db.prepare(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count")
       VALUES (?, ?, ?, ?, 0)`,
    );
    const finish = db.prepare(
      `UPDATE "_prisma_migrations" SET "finished_at" = ?, "applied_steps_count" = 1 WHERE "id" = ?`,
    );
    if (!needsOwnTransactionControl(migration.sql)) {
      try {
        db.transaction(() => {
          insert.run(id, migration.checksum, migration.name, sqliteNow());
          db.exec(migration.sql);
          finish.run(sqliteNow(), id);
        })();
      } catch (error) {
        throw new MigrationApplyError(errorText(error), migration.name, true);
      }
      return;
    }
    insert.run(id, migration.checksum, migration.name, sqliteNow());
    try {
      db.exec(migration.sql);
    } catch (error) {
      db.prepare(`UPDATE "_prisma_migrations" SET "logs" = ? WHERE "id" = ?`).run(errorText(error), id);
      throw new MigrationApplyError(errorText(error), migration.name, false);
    }
    finish.run(sqliteNow(), id);
  }

  async close(): Promise<void> {
    this.db?.close();
  }
}

// ----------------------------------------------------------------------------------------------
// PostgreSQL
// ----------------------------------------------------------------------------------------------

class PostgresMigrationStore implements MigrationStore {
  readonly provider = 'postgresql' as const;
  private locked = false;
  constructor(private readonly client: Client) {}

  async rows(): Promise<MigrationRow[] | null> {
    const exists = await this.client.query<{ t: string | null }>({
      text: `SELECT to_regclass('"_prisma_migrations"') AS t`,
    });
    if (exists.rows[0]?.t == null) return null;
    const result = await this.client.query<{
      id: string;
      checksum: string;
      migration_name: string;
      started_at: Date;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>(SELECT_ROWS);
    return result.rows.map((r) => ({
      id: r.id,
      checksum: r.checksum,
      migrationName: r.migration_name,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      rolledBackAt: r.rolled_back_at,
      appliedStepsCount: Number(r.applied_steps_count),
      logs: r.logs,
    }));
  }

  async ensureTable(): Promise<void> {
    await this.client.query(POSTGRES_TABLE);
  }

  async lock(): Promise<void> {
    await this.client.query({ text: 'SELECT pg_advisory_lock($1)', values: [PRISMA_ADVISORY_LOCK] });
    this.locked = true;
  }

  async apply(migration: MigrationFile): Promise<void> {
    const id = randomUUID();
    const insert = `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count")
      VALUES ($1, $2, $3, now(), 0)`;
    const finish = `UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = $1`;
    if (!needsOwnTransactionControl(migration.sql)) {
      try {
        await this.client.query({ text: 'BEGIN' });
        await this.client.query(insert, [id, migration.checksum, migration.name]);
        await this.client.query(migration.sql);
        await this.client.query(finish, [id]);
        await this.client.query({ text: 'COMMIT' });
      } catch (error) {
        await this.client.query({ text: 'ROLLBACK' }).catch(() => undefined);
        throw new MigrationApplyError(errorText(error), migration.name, true);
      }
      return;
    }
    await this.client.query(insert, [id, migration.checksum, migration.name]);
    try {
      await this.client.query(migration.sql);
    } catch (error) {
      await this.client.query({ text: 'ROLLBACK' }).catch(() => undefined);
      await this.client.query({
        text: `UPDATE "_prisma_migrations" SET "logs" = $1 WHERE "id" = $2`,
        values: [errorText(error), id],
      });
      throw new MigrationApplyError(errorText(error), migration.name, false);
    }
    await this.client.query(finish, [id]);
  }

  async close(): Promise<void> {
    if (this.locked) {
      await this.client
        .query({ text: 'SELECT pg_advisory_unlock($1)', values: [PRISMA_ADVISORY_LOCK] })
        .catch(() => undefined);
    }
    await this.client.end();
  }
}

/**
 * Opens the migration history of a database. With `create: false` a missing SQLite file is not
 * created (rows() then returns null).
 */
export async function openMigrationStore(
  config: DatabaseConfig,
  options: { create: boolean },
): Promise<MigrationStore> {
  if (config.provider === 'sqlite') {
    const file = config.filePath as string;
    if (!fs.existsSync(file)) {
      if (!options.create) return new SqliteMigrationStore(null);
      fs.mkdirSync(path.dirname(file), { recursive: true });
    }
    const db = new BetterSqlite3(file);
    // Write-ahead logging (a property of the file, kept from now on): the worker and the web server
    // can read while the other writes.
    if (options.create) db.pragma('journal_mode = WAL');
    return new SqliteMigrationStore(db);
  }
  const client = new Client({ connectionString: config.url });
  await client.connect();
  return new PostgresMigrationStore(client);
}
