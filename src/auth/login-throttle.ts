// Failed-login counting for the dashboard, in the database (LoginFailureCount), so that every portal
// process and a restart see the same counts. Three keys are counted for each failure:
//
// - "account:<login>": after `account` failures within the window the login is locked for `lockMs`,
//   whatever password is sent (unknown logins are counted too, so a lock tells nothing about which
//   accounts exist);
// - "address:<client address>": after `address` failures from one address (request.ip, which follows
//   X-Forwarded-For only when PHOIHOP_TRUST_PROXY says so) that address is locked for `lockMs`;
// - "all": after `global` failures in the window, every login is refused until the window ends. This is
//   the ceiling on password-hashing work a flood can cause.
//
// Rows are never dropped to make room: a lock holds however many other names fail. The table stays
// small because a failure is counted only when no key is locked (a locked address or the ceiling stops
// the counting), and rows whose window and lock have passed are deleted now and then.
import type { Database } from '../db/client';

export interface LoginLimits {
  /** Failures of one login within the window that lock it. */
  account: number;
  /** Failures from one client address within the window that lock it. */
  address: number;
  /** Failures of all logins within the window above which every login is refused. */
  global: number;
  /** Length of the counting window (ms). */
  windowMs: number;
  /** How long a lock lasts (ms). */
  lockMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  account: 5,
  address: 50,
  global: 1000,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

export type LockScope = 'account' | 'address' | 'all';

/** A refusal before any password is checked: what is locked and until when. */
export interface LoginLock {
  scope: LockScope;
  until: number;
}

const GLOBAL_KEY = 'all';
/** Expired rows are purged at most this often per process. */
const PURGE_EVERY_MS = 60_000;

export function accountKey(login: string): string {
  return `account:${login}`;
}

export function addressKey(address: string): string {
  return `address:${address}`;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'P2002';
}

export class LoginThrottle {
  private lastPurge = 0;

  constructor(
    private readonly db: Database,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /**
   * The lock that refuses this attempt, or undefined. The account's lock is reported first (its owner is
   * told how long), then the address's, then the global ceiling's.
   */
  async lockOf(login: string, address: string, now: number): Promise<LoginLock | undefined> {
    const keys = [accountKey(login), addressKey(address), GLOBAL_KEY];
    const rows = await this.db.prisma.loginFailureCount.findMany({ where: { key: { in: keys } } });
    const scopes: LockScope[] = ['account', 'address', 'all'];
    for (const [i, key] of keys.entries()) {
      const row = rows.find((r) => r.key === key);
      if (!row) continue;
      const locked = row.lockedUntil?.getTime();
      if (locked !== undefined && locked > now) return { scope: scopes[i]!, until: locked };
      const limit = key === GLOBAL_KEY ? this.limits.global : undefined;
      if (
        limit !== undefined &&
        row.windowStart.getTime() + this.limits.windowMs > now &&
        row.failures >= limit
      ) {
        return { scope: 'all', until: row.windowStart.getTime() + this.limits.windowMs };
      }
    }
    return undefined;
  }

  /** Counts a failed attempt under the login's, the address's and the global key (locking those at their limit). */
  async recordFailure(login: string, address: string, now: number): Promise<void> {
    await this.count(accountKey(login), this.limits.account, now);
    await this.count(addressKey(address), this.limits.address, now);
    // The ceiling is not a lock: it ends with its window.
    await this.count(GLOBAL_KEY, undefined, now);
    await this.purgeNowAndThen(now);
  }

  /** A successful login clears its account's count (not the address's: one success does not excuse a flood). */
  async reset(login: string): Promise<void> {
    await this.db.prisma.loginFailureCount.deleteMany({ where: { key: accountKey(login) } });
  }

  private async count(key: string, limit: number | undefined, now: number): Promise<void> {
    const { prisma } = this.db;
    const at = new Date(now);
    // A window that has passed without a lock, or a lock that has passed, starts again from zero.
    await prisma.loginFailureCount.updateMany({
      where: {
        key,
        OR: [
          { lockedUntil: null, windowStart: { lte: new Date(now - this.limits.windowMs) } },
          { lockedUntil: { lte: at } },
        ],
      },
      data: { failures: 0, windowStart: at, lockedUntil: null },
    });
    // Each step is one statement (no transaction held across an await): the increment is one UPDATE …
    // SET failures = failures + 1, so concurrent processes lose no count, and the lock is set by an UPDATE
    // that checks the count itself.
    const { count } = await prisma.loginFailureCount.updateMany({
      where: { key },
      data: { failures: { increment: 1 } },
    });
    if (count === 0) {
      try {
        await prisma.loginFailureCount.create({ data: { key, failures: 1, windowStart: at } });
      } catch (err) {
        // Another process created the row between our update and our insert: count on it.
        if (!isUniqueViolation(err)) throw err;
        await prisma.loginFailureCount.updateMany({ where: { key }, data: { failures: { increment: 1 } } });
      }
    }
    if (limit !== undefined) {
      await prisma.loginFailureCount.updateMany({
        where: { key, lockedUntil: null, failures: { gte: limit } },
        data: { lockedUntil: new Date(now + this.limits.lockMs) },
      });
    }
  }

  private async purgeNowAndThen(now: number): Promise<void> {
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    await purgeLoginFailures(this.db, now, this.limits.windowMs);
  }
}

/** Deletes counts whose window and lock have both passed. */
export async function purgeLoginFailures(db: Database, now: number, windowMs: number): Promise<number> {
  const { count } = await db.prisma.loginFailureCount.deleteMany({
    where: {
      windowStart: { lte: new Date(now - windowMs) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lte: new Date(now) } }],
    },
  });
  return count;
}

/**
 * Ends the lock and count of one login (`phoihop user unlock --login`), or of every key (`--all`: the
 * addresses and the global ceiling too). Returns how many counts were removed.
 */
export async function unlockLogins(db: Database, target: { login: string } | 'all'): Promise<number> {
  const where = target === 'all' ? {} : { key: accountKey(target.login) };
  const { count } = await db.prisma.loginFailureCount.deleteMany({ where });
  return count;
}
