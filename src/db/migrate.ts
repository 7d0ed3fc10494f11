// Applies and reports the committed migrations of whichever database DATABASE_URL points at.
//
// The history lives in Prisma's `_prisma_migrations` table (same columns, checksums and semantics as
// Prisma Migrate), so `prisma migrate status` reads what we write. A migration that was edited after
// being applied (checksum differs), one that failed earlier, or one the database has but this checkout
// does not, stops the run with a message saying what to do.
import { resolveDatabaseConfig, type DatabaseConfig } from './config';
import { connectionError, describeDatabase, MigrationError } from './errors';
import { migrationsDir, readMigrations, type MigrationFile } from './migration-files';
import {
  MigrationApplyError,
  openMigrationStore,
  type MigrationRow,
  type MigrationStore,
} from './migration-store';

export interface MigrationOptions {
  /** Database URL; default DATABASE_URL (see config.ts). */
  url?: string;
  /** Migrations folder; default prisma/<provider>/migrations. */
  migrationsDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface MigrationReport {
  config: DatabaseConfig;
  migrationsDir: string;
  /** Names of the committed migrations, in order. */
  local: string[];
  /** False when the database has no `_prisma_migrations` table (or, for SQLite, no file). */
  historyExists: boolean;
  /** Applied (finished, not rolled back). */
  applied: string[];
  /** Committed but not applied. */
  pending: string[];
  /** Started but never finished, and not marked rolled back. */
  failed: { name: string; startedAt: Date; logs: string | null }[];
  /** Applied, but the file has changed since. */
  modified: { name: string; recorded: string; file: string }[];
  /** Applied in the database but absent from this checkout. */
  unknown: string[];
  /** Nothing pending, failed, modified or unknown. */
  upToDate: boolean;
}

/** Compares committed migrations with the history rows (null: no history table), as Prisma does. */
export function analyse(
  config: DatabaseConfig,
  dir: string,
  files: MigrationFile[],
  rows: MigrationRow[] | null,
): MigrationReport {
  const live = (rows ?? []).filter((r) => r.rolledBackAt === null);
  const finished = new Map<string, MigrationRow>();
  const unfinished = new Map<string, MigrationRow>();
  for (const row of live) {
    (row.finishedAt !== null ? finished : unfinished).set(row.migrationName, row);
  }
  const localNames = new Set(files.map((f) => f.name));
  const report: MigrationReport = {
    config,
    migrationsDir: dir,
    local: files.map((f) => f.name),
    historyExists: rows !== null,
    applied: [],
    pending: [],
    failed: [],
    modified: [],
    unknown: [],
    upToDate: false,
  };
  for (const file of files) {
    const done = finished.get(file.name);
    if (done) {
      report.applied.push(file.name);
      if (done.checksum !== file.checksum) {
        report.modified.push({ name: file.name, recorded: done.checksum, file: file.checksum });
      }
    } else if (unfinished.has(file.name)) {
      const row = unfinished.get(file.name) as MigrationRow;
      report.failed.push({ name: file.name, startedAt: row.startedAt, logs: row.logs });
    } else {
      report.pending.push(file.name);
    }
  }
  for (const name of new Set([...finished.keys(), ...unfinished.keys()])) {
    if (!localNames.has(name)) report.unknown.push(name);
  }
  report.unknown.sort();
  report.upToDate =
    report.pending.length === 0 &&
    report.failed.length === 0 &&
    report.modified.length === 0 &&
    report.unknown.length === 0;
  return report;
}

async function withStore<T>(
  config: DatabaseConfig,
  create: boolean,
  body: (store: MigrationStore) => Promise<T>,
): Promise<T> {
  let store: MigrationStore;
  try {
    store = await openMigrationStore(config, { create });
  } catch (error) {
    throw connectionError(config, error);
  }
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** Reports the migration state of a database without changing anything. */
export async function migrationStatus(options: MigrationOptions = {}): Promise<MigrationReport> {
  const config = resolveDatabaseConfig(options.url);
  const dir = options.migrationsDir ?? migrationsDir(config.provider);
  const files = readMigrations(config.provider, dir);
  return withStore(config, false, async (store) => analyse(config, dir, files, await store.rows()));
}

/** The reasons a report forbids migrating, as one actionable message (null when it may proceed). */
export function blockingProblems(report: MigrationReport): string | null {
  const what = describeDatabase(report.config);
  const lines: string[] = [];
  for (const m of report.modified) {
    lines.push(
      `- ${m.name}: applied with checksum ${m.recorded}, but ${report.migrationsDir}/${m.name}/migration.sql ` +
        `now has checksum ${m.file}. Applied migrations must not change: restore the file ` +
        `(git checkout -- <file>) and put the change in a new migration.`,
    );
  }
  for (const f of report.failed) {
    lines.push(
      `- ${f.name}: started ${f.startedAt.toISOString()} and did not finish` +
        (f.logs ? ` (${f.logs.split('\n')[0]})` : '') +
        `. Repair the database by hand (undo what the migration did), then mark the attempt rolled back: ` +
        `UPDATE "_prisma_migrations" SET rolled_back_at = CURRENT_TIMESTAMP WHERE migration_name = '${f.name}' ` +
        `AND finished_at IS NULL; and run \`npm run db:migrate\` again.`,
    );
  }
  for (const name of report.unknown) {
    lines.push(
      `- ${name}: applied to the database but not in ${report.migrationsDir}. This checkout is older than the ` +
        `database: update it (git pull) before migrating.`,
    );
  }
  return lines.length === 0 ? null : `Refusing to migrate the ${what}:\n${lines.join('\n')}`;
}

/**
 * Applies the pending migrations, in order, each atomically with its history row where the script
 * allows it. Idempotent: a second run applies nothing. Returns the names applied.
 */
export async function migrate(
  options: MigrationOptions = {},
): Promise<{ applied: string[]; report: MigrationReport }> {
  const config = resolveDatabaseConfig(options.url);
  const dir = options.migrationsDir ?? migrationsDir(config.provider);
  const files = readMigrations(config.provider, dir);
  const log = options.log ?? (() => undefined);
  return withStore(config, true, async (store) => {
    await store.lock();
    await store.ensureTable();
    const before = analyse(config, dir, files, await store.rows());
    const problem = blockingProblems(before);
    if (problem !== null) throw new MigrationError(problem);
    const applied: string[] = [];
    for (const name of before.pending) {
      const file = files.find((f) => f.name === name) as MigrationFile;
      log(`Applying ${name}`);
      try {
        await store.apply(file);
      } catch (error) {
        if (!(error instanceof MigrationApplyError)) throw error;
        throw new MigrationError(
          `Migration ${name} failed on the ${describeDatabase(config)}: ${error.message}\n` +
            (error.rolledBack
              ? 'Nothing of it was kept (it ran in a transaction). Fix the migration and run `npm run db:migrate` again.'
              : 'It ran outside a transaction, so the database may hold part of it; see `npm run db:status`.'),
        );
      }
      applied.push(name);
    }
    return { applied, report: analyse(config, dir, files, await store.rows()) };
  });
}

/** Human-readable status, as printed by `npm run db:status`. */
export function formatReport(report: MigrationReport): string {
  const lines = [
    `Database: ${describeDatabase(report.config)}`,
    `Migrations: ${report.migrationsDir} (${report.local.length} found)`,
  ];
  if (!report.historyExists) lines.push('The database has no migration history yet (never migrated).');
  lines.push(
    `Applied: ${report.applied.length}${report.applied.length ? ` (last: ${report.applied.at(-1)})` : ''}`,
  );
  const list = (title: string, items: string[]): void => {
    if (items.length > 0) lines.push(`${title}:`, ...items.map((i) => `  ${i}`));
  };
  list('Not yet applied', report.pending);
  list(
    'Failed (started, never finished)',
    report.failed.map((f) => f.name),
  );
  list(
    'Modified after being applied (checksum differs)',
    report.modified.map((m) => m.name),
  );
  list('Applied to the database but missing from this checkout', report.unknown);
  if (report.upToDate) {
    lines.push('Database schema is up to date.');
  } else if (report.pending.length > 0 && blockingProblems(report) === null) {
    lines.push('Run `npm run db:migrate` to apply them.');
  } else {
    lines.push(blockingProblems(report) ?? '');
  }
  return lines.join('\n');
}
