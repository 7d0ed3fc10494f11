// Which database phoihop uses, from DATABASE_URL.
//
//   unset                     SQLite file phoihop.db in the data folder (embedded default): PHOIHOP_DATA
//                             when set (relative: to the current folder, as for the uploaded files), else
//                             .data under the project root
//   file:<path>               SQLite; a relative path is relative to the project root
//   postgres://... or postgresql://...   PostgreSQL
//
// Anything else is refused with a message that names DATABASE_URL, shows the value (password masked)
// and says what is accepted.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type DatabaseProvider = 'sqlite' | 'postgresql';

export interface DatabaseConfig {
  provider: DatabaseProvider;
  /** The URL to connect with: `file:<absolute path>` for SQLite, the URL as given for PostgreSQL. */
  url: string;
  /** `url` with any password replaced by `****`: safe for logs and error messages. */
  maskedUrl: string;
  /** SQLite only: absolute path of the database file. */
  filePath?: string;
  /** Where the URL came from, for messages. */
  source: 'DATABASE_URL' | 'default';
}

export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError';
}

/** The folder holding phoihop's package.json (works from src/ and from a compiled dist/). */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        if ((JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name === 'phoihop')
          return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * The SQLite file used when DATABASE_URL is unset: phoihop.db in PHOIHOP_DATA, the folder that also holds
 * the uploaded files and the link secret (src/config/files.ts, links.ts), else in <root>/.data.
 */
export function defaultSqlitePath(
  root: string = projectRoot(),
  env: Record<string, string | undefined> = process.env,
): string {
  const dataDir = env.PHOIHOP_DATA?.trim();
  return dataDir ? path.resolve(dataDir, 'phoihop.db') : path.join(root, '.data', 'phoihop.db');
}

/** Replaces the password of a URL-like string (and any `password=` parameter) with `****`. */
export function maskUrl(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]*)@/i, (_m, head: string) => `${head}****@`)
    .replace(/([?&](?:password|pass|pwd)=)[^&#]*/gi, '$1****');
}

const ACCEPTED =
  'Accepted: file:<path> for SQLite (a relative path is relative to the project root), e.g. ' +
  'file:./.data/phoihop.db; or postgres://user:password@host:5432/database (or postgresql://...) for ' +
  'PostgreSQL. Leave DATABASE_URL unset to use the SQLite file phoihop.db in PHOIHOP_DATA (default .data).';

function refuse(value: string, why: string): never {
  throw new DatabaseConfigError(`DATABASE_URL ${why}: "${maskUrl(value)}". ${ACCEPTED}`);
}

/**
 * Parses a database URL (default: `process.env.DATABASE_URL`). `root` anchors relative SQLite paths;
 * `env` gives PHOIHOP_DATA for the default file. Throws DatabaseConfigError with an actionable message
 * when the value is not usable.
 */
export function resolveDatabaseConfig(
  raw: string | undefined = process.env.DATABASE_URL,
  root: string = projectRoot(),
  env: Record<string, string | undefined> = process.env,
): DatabaseConfig {
  const value = raw?.trim() ?? '';
  if (value === '') {
    const filePath = defaultSqlitePath(root, env);
    const url = `file:${filePath}`;
    return { provider: 'sqlite', url, maskedUrl: url, filePath, source: 'default' };
  }

  if (/^file:/i.test(value)) {
    let filePath: string;
    if (/^file:\/\//i.test(value)) {
      try {
        filePath = fileURLToPath(value.replace(/\?.*$/, ''));
      } catch {
        refuse(value, 'is not a valid file URL');
      }
    } else {
      // Prisma style: file:./dev.db, file:dev.db, file:/abs/dev.db (query parameters are ignored).
      filePath = value.slice('file:'.length).replace(/\?.*$/, '');
    }
    if (filePath === '' || filePath === ':memory:' || filePath.endsWith('/')) {
      refuse(value, 'must name a database file');
    }
    filePath = path.resolve(root, filePath);
    const url = `file:${filePath}`;
    return { provider: 'sqlite', url, maskedUrl: url, filePath, source: 'DATABASE_URL' };
  }

  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      refuse(value, 'is not a valid PostgreSQL URL');
    }
    if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
      refuse(value, 'has no host');
    }
    return { provider: 'postgresql', url: value, maskedUrl: maskUrl(value), source: 'DATABASE_URL' };
  }

  refuse(value, 'is not a supported database URL');
}
