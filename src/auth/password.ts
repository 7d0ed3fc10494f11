// Password hashing for dashboard users: scrypt from node:crypto, stored as
// "scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>".
// Every scrypt computation goes through the hashing gate (hashing-gate.ts): a flood of logins is refused
// with HashingBusy rather than queued without bound on libuv's thread pool.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_HASHING } from './hashing-gate';

/**
 * Work factors of new hashes: OWASP's recommendation for scrypt (Password Storage Cheat Sheet), N = 2^17,
 * r = 8, p = 1: 128 MiB and a few hundred ms per hash. A stored hash with smaller factors still verifies
 * and is replaced at its next successful login (`needsRehash`).
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Shortest password accepted for a new or changed password. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password accepted (scrypt takes anything; a bound keeps requests cheap to parse). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Memory scrypt needs for (N, r) (128·N·r bytes), with headroom; Node's default maxmem is 32 MiB. */
function maxmemFor(N: number, r: number): number {
  return 128 * N * r * 2;
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return PASSWORD_HASHING.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCallback(password.normalize('NFC'), salt, keylen, options, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

/** Why a new password is not acceptable (in English and Vietnamese), or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `the password must have at least ${MIN_PASSWORD_LENGTH} characters / mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `the password must have at most ${MAX_PASSWORD_LENGTH} characters / mật khẩu dài quá ${MAX_PASSWORD_LENGTH} ký tự`;
  }
  return undefined;
}

/** A new hash of `password` with a random 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem: maxmemFor(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A stored hash's parts, or undefined when it is not one this module wrote. Work factors are bounded
 * (N a power of two from 2^14 to 2^20, r ≤ 32, p ≤ 16): a tampered row cannot make a login hang.
 */
export function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,8}$/.test(v!) ? Number(v) : NaN)) as [
    number,
    number,
    number,
  ];
  if (!(N >= 2 ** 14 && N <= 2 ** 20 && (N & (N - 1)) === 0)) return undefined;
  if (!(r >= 1 && r <= 32 && p >= 1 && p <= 16)) return undefined;
  const [salt, key] = [parts[4]!, parts[5]!];
  if (!B64.test(salt) || !B64.test(key)) return undefined;
  const saltBytes = Buffer.from(salt, 'base64');
  const keyBytes = Buffer.from(key, 'base64');
  if (saltBytes.length < 16 || keyBytes.length < 16 || keyBytes.length > 64) return undefined;
  return { N, r, p, salt: saltBytes, key: keyBytes };
}

/** A hash no password matches, with the current work factors: what an unknown login is checked against. */
let decoy: Promise<string> | undefined;
function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64'));
  return decoy;
}

/**
 * Whether `password` matches `stored` (constant-time comparison). A malformed or tampered hash matches
 * nothing. With `stored` undefined (no such user), the same scrypt work is done against a decoy hash and
 * the answer is false: a login that does not exist takes as long as a wrong password.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parsed = parseHash(stored ?? (await decoyHash()));
  if (!parsed) {
    // Still spend the work, so a broken row is not told apart by timing either.
    await verifyPassword(password, undefined);
    return false;
  }
  const { N, r, p, salt, key } = parsed;
  const candidate = await scrypt(password.slice(0, MAX_PASSWORD_LENGTH), salt, key.length, {
    N,
    r,
    p,
    maxmem: maxmemFor(N, r),
  });
  return timingSafeEqual(candidate, key) && stored !== undefined;
}

/** Whether a stored hash was made with smaller work factors than today's (or is not one this module wrote). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return parsed.N < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p;
}
