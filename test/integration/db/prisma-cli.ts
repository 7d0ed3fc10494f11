// Runs the Prisma CLI (as `npx prisma` would, through prisma.config.ts) against a given database, and
// compares a live database with the Prisma schema.
//
// `prisma migrate diff --from-url` is not available with the JS schema engine and a driver adapter
// (Prisma 6.19 refuses --from-url/--from-schema-datasource when prisma.config.ts defines an adapter),
// so "the database equals the schema" is checked the way that does work: introspect the database
// (`prisma db pull` into a scratch copy of the schema), then `prisma migrate diff --exit-code` from
// that introspected datamodel to the committed one. The diff compares the SQL schemas both imply.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseProvider } from '../../../src/db/config';
import { schemaFile } from '../../../src/db/migration-files';

const root = path.resolve(__dirname, '../../..');
const prismaBin = path.join(root, 'node_modules/prisma/build/index.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runPrisma(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaBin, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The SQL needed to bring the live database to the committed schema of `provider`: '' (and exit code
 * 0) when they are equal. Throws when introspection or the diff itself fails.
 */
export async function schemaDrift(provider: DatabaseProvider, databaseUrl: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoihop-drift-'));
  try {
    // Introspect from scratch (a schema with only the datasource): re-introspecting into the full
    // schema trips over SQLite enums (stored as TEXT) in Prisma 6.19.
    const introspected = path.join(dir, 'schema.prisma');
    fs.writeFileSync(
      introspected,
      `datasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n}\n`,
    );
    const pull = await runPrisma(['db', 'pull', '--schema', introspected], databaseUrl);
    if (pull.status !== 0)
      throw new Error(`prisma db pull failed (${pull.status}):\n${pull.stdout}\n${pull.stderr}`);
    const diff = await runPrisma(
      [
        'migrate',
        'diff',
        '--from-schema-datamodel',
        introspected,
        '--to-schema-datamodel',
        schemaFile(provider),
        '--script',
        '--exit-code',
      ],
      databaseUrl,
    );
    if (diff.status === 0) return '';
    if (diff.status === 2) return diff.stdout.trim();
    throw new Error(`prisma migrate diff failed (${diff.status}):\n${diff.stdout}\n${diff.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
