// `phoihop user add|passwd|disable|enable|unlock|list`: dashboard accounts. The first user is created here.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Database } from '../db/client';
import { openDatabase } from '../db/client';
import {
  addUser,
  listUsers,
  normalizeLogin,
  setAdministrator,
  setDisabled,
  setPassword,
  UserError,
  ROLES,
  type UserSummary,
} from '../auth/users';
import { UsageError } from '../config/usage-error';
import { unlockLogins } from '../auth/login-throttle';

/** Where a new password comes from: PHOIHOP_NEW_PASSWORD (scripts), else standard input. */
export interface PasswordSource {
  env?: Record<string, string | undefined>;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed at a terminal without echoing it. */
function askHidden(prompt: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  stderr.write(prompt);
  const rl = createInterface({ input: stdin, output: muted, terminal: true });
  return new Promise((resolve) =>
    rl.question('', (answer) => {
      rl.close();
      stderr.write('\n');
      resolve(answer);
    }),
  );
}

/**
 * The new password: PHOIHOP_NEW_PASSWORD when set; else, at a terminal, typed twice without echo; else the
 * first line of standard input (`echo "$PW" | phoihop user add …`).
 */
export async function readNewPassword(source: PasswordSource = {}): Promise<string> {
  const env = source.env ?? process.env;
  if (env.PHOIHOP_NEW_PASSWORD !== undefined && env.PHOIHOP_NEW_PASSWORD !== '')
    return env.PHOIHOP_NEW_PASSWORD;
  const stdin = source.stdin ?? process.stdin;
  const stderr = source.stderr ?? process.stderr;
  if (stdin.isTTY) {
    const first = await askHidden('Mật khẩu mới / new password: ', stdin, stderr);
    const second = await askHidden('Nhập lại / again: ', stdin, stderr);
    if (first !== second)
      throw new UsageError('the two passwords differ / hai mật khẩu không khớp; nothing changed');
    return first;
  }
  const text = await readAll(stdin);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) {
    throw new UsageError(
      'no password given: type it at the prompt, pipe it on standard input or set PHOIHOP_NEW_PASSWORD; nothing changed',
    );
  }
  return line;
}

/** Runs `fn` on the database; a refusal becomes a UsageError (printed, exit 1). */
async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await fn(db);
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(`${err.message}; nothing changed`);
    throw err;
  } finally {
    await db.close();
  }
}

function describe(u: UserSummary): string {
  return [
    u.login.padEnd(20),
    u.role.padEnd(12),
    (u.disabled ? 'disabled/đã khóa' : 'active/hoạt động').padEnd(17),
    (u.lastLoginAt ? u.lastLoginAt.slice(0, 16).replace('T', ' ') : '-').padEnd(17),
    u.administrator ? `${u.name} [administrator]` : u.name,
  ].join(' ');
}

/** Registers `user …` on the program. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('dashboard users / người dùng trang quản lý');

  user
    .command('add')
    .description('create a dashboard user; the password is read from standard input or PHOIHOP_NEW_PASSWORD')
    .requiredOption('--login <login>', 'login name (lowercase)')
    .requiredOption('--name <name>', 'full name, shown in the audit log')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--administrator', 'also manages the dashboard’s users (the first administrator is made here)')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        login: string;
        name: string;
        role: string;
        administrator?: boolean;
        json?: boolean;
      }) => {
        const password = await readNewPassword();
        const created = await withDatabase((db) =>
          addUser(db, { ...opts, administrator: opts.administrator === true, password }),
        );
        console.log(
          opts.json
            ? JSON.stringify(created, null, 2)
            : `Đã tạo người dùng / user created: ${created.login} (${created.role}${created.administrator ? ', administrator' : ''}), ${created.name}`,
        );
      },
    );

  user
    .command('admin')
    .description('make a user an administrator, who manages users on the dashboard (--revoke: no longer)')
    .requiredOption('--login <login>', 'login name')
    .option('--revoke', 'take the administrator right away')
    .action(async (opts: { login: string; revoke?: boolean }) => {
      const updated = await withDatabase((db) => setAdministrator(db, opts.login, !opts.revoke));
      console.log(
        updated.administrator
          ? `Đã cấp quyền quản trị / administrator: ${updated.login}`
          : `Đã bỏ quyền quản trị / no longer administrator: ${updated.login}`,
      );
    });

  user
    .command('passwd')
    .description('set a user’s password (read like `user add`); their sessions end')
    .requiredOption('--login <login>', 'login name')
    .action(async (opts: { login: string }) => {
      const password = await readNewPassword();
      const updated = await withDatabase((db) => setPassword(db, opts.login, password));
      console.log(`Đã đổi mật khẩu / password changed: ${updated.login}`);
    });

  user
    .command('disable')
    .description('stop a user from logging in; their sessions end at their next request')
    .requiredOption('--login <login>', 'login name')
    .action(async (opts: { login: string }) => {
      const updated = await withDatabase((db) => setDisabled(db, opts.login, true));
      console.log(`Đã khóa / disabled: ${updated.login}`);
    });

  user
    .command('enable')
    .description('let a disabled user log in again')
    .requiredOption('--login <login>', 'login name')
    .action(async (opts: { login: string }) => {
      const updated = await withDatabase((db) => setDisabled(db, opts.login, false));
      console.log(`Đã mở khóa / enabled: ${updated.login}`);
    });

  user
    .command('unlock')
    .description(
      'end the lock of a login after failed attempts (--login), or every login lock, address lock and the global pause (--all)',
    )
    .option('--login <login>', 'login name')
    .option('--all', 'every lock')
    .action(async (opts: { login?: string; all?: boolean }) => {
      if (Boolean(opts.login) === Boolean(opts.all)) {
        throw new UsageError('give either --login <login> or --all; nothing changed');
      }
      const target = opts.all ? ('all' as const) : { login: normalizeLogin(opts.login!) };
      const removed = await withDatabase((db) => unlockLogins(db, target));
      const who = opts.all ? 'mọi khóa / every lock' : target === 'all' ? '' : target.login;
      console.log(
        removed > 0
          ? `Đã mở khóa đăng nhập / login unlocked: ${who}`
          : `Không có khóa nào / nothing was locked: ${who}`,
      );
    });

  user
    .command('list')
    .description('list dashboard users')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const users = await withDatabase((db) => listUsers(db));
      if (opts.json) return console.log(JSON.stringify(users, null, 2));
      if (users.length === 0) return console.log('Chưa có người dùng / no users yet (phoihop user add …)');
      console.log(
        [
          'login'.padEnd(20),
          'role'.padEnd(12),
          'state'.padEnd(17),
          'last login (UTC)'.padEnd(17),
          'name',
        ].join(' '),
      );
      for (const u of users) console.log(describe(u));
    });
}
