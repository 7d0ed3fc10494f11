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
