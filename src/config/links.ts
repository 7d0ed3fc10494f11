import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from './env-error';

/** Where the links in emails point, and the key that signs them. */
export interface LinkConfig {
  /** Public base URL of the portal, without a trailing slash. */
  publicUrl: string;
  /** HMAC key for link tokens (at least 32 bytes). */
  secret: string;
}

type Env = Record<string, string | undefined>;

const MIN_SECRET_LENGTH = 32;

/**
 * PHOIHOP_LINK_SECRET signs every link; on the embedded stack it may be left unset, and a random key is
 * created once in the data folder (so links stay valid across restarts). Several workers or web servers
 * must share one key: set it explicitly there.
 */
export function linkConfigFromEnv(env: Env = process.env): LinkConfig {
  const publicUrl = (
    env.PHOIHOP_PUBLIC_URL?.trim() || `http://127.0.0.1:${env.PHOIHOP_WEB_PORT?.trim() || '3000'}`
  ).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(publicUrl);
  } catch {
    throw new ConfigError(
      'PHOIHOP_PUBLIC_URL',
      `"${publicUrl}" is not a URL (example: https://phoihop.dienbien.gov.vn)`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError('PHOIHOP_PUBLIC_URL', `"${publicUrl}" must start with http:// or https://`);
  }

  let secret = env.PHOIHOP_LINK_SECRET?.trim();
  if (secret !== undefined && secret !== '') {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        'PHOIHOP_LINK_SECRET',
        `is ${secret.length} characters long; use at least ${MIN_SECRET_LENGTH} random characters ` +
          '(e.g. `openssl rand -hex 32`)',
      );
    }
  } else {
    const dataDir = resolve(env.PHOIHOP_DATA?.trim() || join(__dirname, '../../.data'));
    const file = join(dataDir, 'link-secret');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    }
    secret = readFileSync(file, 'utf8').trim();
  }
  return { publicUrl, secret };
}
