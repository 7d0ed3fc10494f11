import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports';

/**
 * A real IMAP server (Debian's dovecot-imapd, installed by scripts/setup) on loopback, with a throwaway
 * configuration, Maildir and one user: what the email-reply reader reads in tests.
 */
export interface TestImapServer {
  /** imap://user:password@127.0.0.1:port/INBOX, as PHOIHOP_IMAP_URL takes it. */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

const DOVECOT = process.env.DOVECOT ?? '/usr/sbin/dovecot';

/** The uid and gid of a system user, by name. */
function idsOf(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startDovecot(): Promise<TestImapServer> {
  if (!existsSync(DOVECOT)) {
    throw new Error(`dovecot not found at ${DOVECOT}: run \`scripts/setup\` (it installs dovecot-imapd)`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'phoihop-dovecot-'));
  chmodSync(dir, 0o755);
  const user = 'phoihop';
  const password = 'replies-test-password';
  // As root, dovecot's own unprivileged users run the logins and the mail processes (it refuses root for
  // mail); as anyone else, everything runs as that user.
  const root = process.getuid?.() === 0;
  const internal = root ? 'dovecot' : userInfo().username;
  const login = root ? 'dovenull' : internal;
  const mailIds = root ? idsOf('dovecot') : { uid: process.getuid!(), gid: process.getgid!() };
  const home = join(dir, 'home');
  mkdirSync(home);
  if (root) chownSync(home, mailIds.uid, mailIds.gid);
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internal}
default_login_user = ${login}
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailIds.uid} gid=${mailIds.gid} home=${home}/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  const configPath = join(dir, 'dovecot.conf');
  writeFileSync(configPath, config);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, 15000, 'dovecot IMAP');
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    url: `imap://${user}:${password}@127.0.0.1:${port}/INBOX`,
    host: '127.0.0.1',
    port,
    user,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
