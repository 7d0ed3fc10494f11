import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from './env-error';
import { DEFAULT_KEY_ID, type LinkKey, type LinkKeyring } from '../links/task-link';

/** Where the links in emails point, and the keys that sign and check them. */
export interface LinkConfig {
  /** Public base URL of the portal, without a trailing slash. */
  publicUrl: string;
  /** HMAC key for link tokens (at least 32 bytes): the current key, which signs new links. */
  secret: string;
  /** Id of the current key, written into each token (`kid`); DEFAULT_KEY_ID when not given. */
  keyId?: string;
  /** The key before the current one, still accepted until it is retired (a key rotation). */
  previous?: LinkKey;
}

/** The keys a configuration accepts: the current one (which signs) and the previous one, if any. */
export function linkKeyring(links: LinkConfig): LinkKeyring {
  return {
    current: { id: links.keyId ?? DEFAULT_KEY_ID, secret: links.secret },
    ...(links.previous ? { previous: links.previous } : {}),
  };
}

/** A key id: short, printable, safe in a token header and a log line. */
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

type Env = Record<string, string | undefined>;

const MIN_SECRET_LENGTH = 32;

/**
 * PHOIHOP_LINK_SECRET signs every link; on the embedded stack it may be left unset, and a random key is
 * created once in the data folder (so links stay valid across restarts). Several workers or web servers
 * must share one key: set it explicitly there. PHOIHOP_LINK_KEY_ID names it in each token (default
 * "k1"); PHOIHOP_LINK_PREVIOUS_SECRET and PHOIHOP_LINK_PREVIOUS_KEY_ID name the key before it, which the
 * portal still accepts during a rotation (docs/operators.md, "Rotating the link key").
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

  const keyId = env.PHOIHOP_LINK_KEY_ID?.trim() || DEFAULT_KEY_ID;
  if (!KEY_ID.test(keyId)) {
    throw new ConfigError(
      'PHOIHOP_LINK_KEY_ID',
      `"${keyId}" is not a key id: use 1 to 32 letters, digits, ".", "_" or "-" (example: 2027-01)`,
    );
  }
  const previousSecret = env.PHOIHOP_LINK_PREVIOUS_SECRET?.trim() || undefined;
  const previousId = env.PHOIHOP_LINK_PREVIOUS_KEY_ID?.trim() || undefined;
  if (previousSecret === undefined) {
    if (previousId !== undefined) {
      throw new ConfigError(
        'PHOIHOP_LINK_PREVIOUS_KEY_ID',
        'is set without PHOIHOP_LINK_PREVIOUS_SECRET: set both (a rotation) or neither',
      );
    }
    return { publicUrl, secret, keyId };
  }
  if (previousSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      'PHOIHOP_LINK_PREVIOUS_SECRET',
      `is ${previousSecret.length} characters long; the previous key must be at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  if (previousSecret === secret) {
    throw new ConfigError(
      'PHOIHOP_LINK_PREVIOUS_SECRET',
      'is the same as PHOIHOP_LINK_SECRET: a rotation needs a new current key',
    );
  }
  if (previousId === undefined) {
    throw new ConfigError(
      'PHOIHOP_LINK_PREVIOUS_KEY_ID',
      'is not set: name the previous key by the id it had as PHOIHOP_LINK_KEY_ID ' +
        `(${DEFAULT_KEY_ID} if it was never set)`,
    );
  }
  if (!KEY_ID.test(previousId)) {
    throw new ConfigError(
      'PHOIHOP_LINK_PREVIOUS_KEY_ID',
      `"${previousId}" is not a key id: use 1 to 32 letters, digits, ".", "_" or "-"`,
    );
  }
  if (previousId === keyId) {
    throw new ConfigError(
      'PHOIHOP_LINK_PREVIOUS_KEY_ID',
      `is "${previousId}", the same as PHOIHOP_LINK_KEY_ID: give the new key a new id`,
    );
  }
  return { publicUrl, secret, keyId, previous: { id: previousId, secret: previousSecret } };
}
