// Errors a person can act on: which database, where, what went wrong and the command that fixes it.
import type { DatabaseConfig } from './config';

/** The database cannot be reached, or is not migrated up to the code's schema. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Migrations cannot be applied safely (edited after being applied, failed earlier, unknown here). */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function describeDatabase(config: DatabaseConfig): string {
  const where = config.source === 'default' ? ' (DATABASE_URL unset: the default)' : ' (from DATABASE_URL)';
  return config.provider === 'sqlite'
    ? `SQLite database ${config.filePath}${where}`
    : `PostgreSQL database ${config.maskedUrl}${where}`;
}

/** Turns a driver's connection error into an actionable DatabaseUnavailableError. */
export function connectionError(config: DatabaseConfig, error: unknown): DatabaseUnavailableError {
  const e = error as { code?: string; message?: string };
  const detail = e?.message ?? String(error);
  const what = describeDatabase(config);
  let hint: string;
  switch (e?.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      hint =
        'Is the server running and reachable? For the project-local server run `scripts/postgres.sh start` ' +
        'and use the URL printed by `scripts/postgres.sh url`.';
      break;
    case '3D000':
      hint =
        'The server is up but this database does not exist: create it (e.g. `createdb`), then run `npm run db:migrate`.';
      break;
    case '28P01':
    case '28000':
      hint = 'The server refused the user or password: check the credentials in DATABASE_URL.';
      break;
    case 'SQLITE_CANTOPEN':
      hint =
        'Check that the folder exists and is writable, or run `npm run db:migrate` to create the database.';
      break;
    default:
      hint = 'Check DATABASE_URL and that the database is up.';
  }
  return new DatabaseUnavailableError(`Cannot connect to the ${what}: ${detail}. ${hint}`);
}

/**
 * What a database failure came from, for the log: the driver's own code and message under Prisma's (a
 * driver-adapter error hides SQLite's "SQLITE_BUSY: database is locked" behind P1008 "Operation has timed
 * out"), or undefined for an error that is not the database's.
 */
export function databaseErrorCause(error: unknown): string | undefined {
  const e = error as {
    name?: string;
    code?: unknown;
    message?: string;
    meta?: {
      driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string; kind?: string } };
    };
  } | null;
  if (!e || typeof e !== 'object') return undefined;
  const prismaCode = typeof e.code === 'string' && /^P\d{4}$/.test(e.code) ? e.code : undefined;
  const driver = e.meta?.driverAdapterError?.cause;
  if (driver?.originalCode) {
    return `${driver.originalCode}: ${driver.originalMessage ?? driver.kind ?? 'driver error'}${prismaCode ? ` (Prisma ${prismaCode})` : ''}`;
  }
  if (driver?.kind) return `${driver.kind}${prismaCode ? ` (Prisma ${prismaCode})` : ''}`;
  if (prismaCode || e.name?.startsWith('PrismaClient')) {
    const firstLine = (e.message ?? '').trim().split('\n').filter(Boolean).at(-1) ?? '';
    return `${prismaCode ? `Prisma ${prismaCode}` : e.name}: ${firstLine}`;
  }
  if (typeof e.code === 'string' && /^SQLITE_/.test(e.code)) return `${e.code}: ${e.message ?? ''}`;
  return undefined;
}
