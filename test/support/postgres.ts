// Throwaway PostgreSQL clusters for tests: one per jest run (global setup puts its URL in
// PHOIHOP_TEST_PG_URL), and one fresh database per test file via createDatabase().
//
// The cluster lives in a temporary folder owned by the `postgres` system user (initdb/postgres refuse
// to run as root), listens only on 127.0.0.1 on a free port, trusts loopback connections and runs
// with fsync off: fast, and gone after stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface TestPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  stop(): Promise<void>;
}

const PG_USER = 'postgres';

/** The folder with initdb and postgres: PHOIHOP_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function findPostgresBin(): string {
  const fromEnv = process.env.PHOIHOP_PG_BIN;
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'postgres'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return path.join(root, versions[0], 'bin');
  throw new Error(
    'PostgreSQL server binaries not found (looked in PHOIHOP_PG_BIN and /usr/lib/postgresql/*/bin). ' +
      'Install them with `scripts/postgres.sh install` (Debian package postgresql).',
  );
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a PostgreSQL binary as the postgres user when we are root, as ourselves otherwise. */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', PG_USER, '--', bin, ...args]] : [bin, args];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`postgres exited with code ${child.exitCode} while starting:\n${log()}`);
    }
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query({ text: 'select 1' });
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`postgres did not accept connections within 30 s (${String(lastError)}):\n${log()}`);
}

/** Starts a throwaway PostgreSQL cluster on 127.0.0.1 and a free port. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoihop-pg-'));
  const dataDir = path.join(dir, 'data');
  if (isRoot()) {
    const chown = spawnSync('chown', ['-R', `${PG_USER}:`, dir], { encoding: 'utf8' });
    if (chown.status !== 0) throw new Error(`chown ${dir} failed: ${chown.stderr}`);
  }
  const [initCmd, initArgs] = pgCommand(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    PG_USER,
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}):\n${init.stdout}\n${init.stderr}`);
  }

  const port = await freePort();
  const [cmd, args] = pgCommand(path.join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `postgresql://${PG_USER}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      // Signal the postmaster itself (runuser does not pass signals on): fast shutdown, and wait.
      const [ctlCmd, ctlArgs] = pgCommand(path.join(bin, 'pg_ctl'), [
        '-D',
        dataDir,
        '-m',
        'fast',
        '-w',
        'stop',
      ]);
      spawnSync(ctlCmd, ctlArgs, { encoding: 'utf8', timeout: 30_000 });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** Quotes an SQL identifier. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates (or re-creates, empty) database `name` on the server of `baseUrl` and returns its URL.
 * Use one per test file so files never see each other's tables.
 */
export async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query({ text: `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)` });
    await client.query({ text: `CREATE DATABASE ${ident(name)}` });
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
