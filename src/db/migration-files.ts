// The committed migrations of one provider: prisma/<sqlite|postgres>/migrations/<name>/migration.sql,
// in name order (names start with a UTC timestamp), with the checksum Prisma records for them
// (sha256 of the file's bytes, hex).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot, type DatabaseProvider } from './config';

export interface MigrationFile {
  /** Folder name, e.g. 20251128000000_init; recorded as migration_name. */
  name: string;
  /** sha256 (hex) of migration.sql. */
  checksum: string;
  sql: string;
  /** Absolute path of migration.sql. */
  file: string;
}

/** Folder of the provider's schema and migrations under prisma/. */
export function providerFolder(provider: DatabaseProvider): 'sqlite' | 'postgres' {
  return provider === 'sqlite' ? 'sqlite' : 'postgres';
}

export function migrationsDir(provider: DatabaseProvider, root: string = projectRoot()): string {
  return path.join(root, 'prisma', providerFolder(provider), 'migrations');
}

export function schemaFile(provider: DatabaseProvider, root: string = projectRoot()): string {
  return path.join(root, 'prisma', providerFolder(provider), 'schema.prisma');
}

export function checksumOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads the migrations in `dir`, checking migration_lock.toml names the expected provider. */
export function readMigrations(
  provider: DatabaseProvider,
  dir: string = migrationsDir(provider),
): MigrationFile[] {
  if (!fs.existsSync(dir)) {
    throw new Error(`No migrations folder at ${dir}: expected the committed migrations for ${provider}.`);
  }
  const lockFile = path.join(dir, 'migration_lock.toml');
  if (fs.existsSync(lockFile)) {
    const locked = /^\s*provider\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(lockFile, 'utf8'))?.[1];
    if (locked !== undefined && locked !== provider) {
      throw new Error(`${lockFile} is for provider "${locked}", but DATABASE_URL points at ${provider}.`);
    }
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      const bytes = fs.readFileSync(file);
      return { name, checksum: checksumOf(bytes), sql: bytes.toString('utf8'), file };
    });
}
