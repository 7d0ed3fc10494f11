import { openDatabase, type Database } from '../../../src/db/client';
import {
  DEFAULT_LOGIN_LIMITS,
  LoginThrottle,
  unlockLogins,
  type LoginLimits,
} from '../../../src/auth/login-throttle';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';

const MINUTE = 60_000;

/**
 * Failed-login counts live in the database: two throttles on two connections (two portal processes)
 * see one count, a lock holds whatever else fails, and the address and global limits stop floods.
 */
describe.each(providers)('login throttle in the database (%s)', (provider) => {
  let database: TestDatabase;
  let other: Database;
  const start = Date.UTC(2027, 2, 1, 8, 0);
  const limits: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, address: 1_000_000, global: 1_000_000 };

  beforeAll(async () => {
    database = await freshDatabase(provider, `login_throttle_${provider}`);
    other = await openDatabase(database.url);
  });
  afterAll(async () => {
    await other?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.prisma.loginFailureCount.deleteMany();
  });

  it('shares one count between processes: 3 failures in one and 2 in the other lock the login for 15 minutes', async () => {
    const a = new LoginThrottle(database.db, limits);
    const b = new LoginThrottle(other, limits);
    for (let i = 0; i < 3; i++) await a.recordFailure('huong', '192.0.2.1', start + i * MINUTE);
    expect(await b.lockOf('huong', '192.0.2.9', start + 3 * MINUTE)).toBeUndefined();
    for (let i = 3; i < 5; i++) await b.recordFailure('huong', '192.0.2.2', start + i * MINUTE);
    const lockedAt = start + 4 * MINUTE;
    for (const t of [a, b, new LoginThrottle(database.db, limits)]) {
      expect(await t.lockOf('huong', '198.51.100.1', lockedAt)).toEqual({
        scope: 'account',
        until: lockedAt + 15 * MINUTE,
      });
    }
    expect(await a.lockOf('trang', '192.0.2.1', lockedAt)).toBeUndefined();
    expect(await a.lockOf('huong', '192.0.2.1', lockedAt + 15 * MINUTE)).toBeUndefined();
    // After the lock, counting starts again from zero.
    await a.recordFailure('huong', '192.0.2.1', lockedAt + 15 * MINUTE);
    expect(await a.lockOf('huong', '192.0.2.1', lockedAt + 15 * MINUTE)).toBeUndefined();
  });

  it('loses no count when two processes fail at the same instant', async () => {
    // Two connections write at once on PostgreSQL. SQLite's driver waits for a lock synchronously, so two
    // connections in one process would wait on each other: there, the concurrent writes share one.
    const a = new LoginThrottle(database.db, limits);
    const b = new LoginThrottle(provider === 'sqlite' ? database.db : other, limits);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).recordFailure('song-song', '192.0.2.1', start)),
    );
    const row = await database.db.prisma.loginFailureCount.findUniqueOrThrow({
      where: { key: 'account:song-song' },
    });
    expect(row.failures).toBe(10);
  });

  // On SQLite only: 10,000 failures are some 90,000 statements, minutes on the test PostgreSQL; the rows
  // and statements are the same on both.
  (provider === 'sqlite' ? it : it.skip)(
    'keeps a lock while 10,000 other logins fail',
    async () => {
      const t = new LoginThrottle(database.db, limits);
      for (let i = 0; i < 5; i++) await t.recordFailure('huong', '192.0.2.1', start);
      for (let i = 0; i < 10_000; i++) await t.recordFailure(`ten-khac-${i}`, '192.0.2.1', start + 1000);
      expect(await t.lockOf('huong', '203.0.113.5', start + 2000)).toMatchObject({ scope: 'account' });
    },
    600_000,
  );

  it('locks an address after its limit, and pauses every login at the global ceiling until the window ends', async () => {
    const t = new LoginThrottle(database.db, { ...DEFAULT_LOGIN_LIMITS, address: 3, global: 6 });
    for (const name of ['a1', 'a2', 'a3']) await t.recordFailure(name, '192.0.2.1', start);
    expect(await t.lockOf('a4', '192.0.2.1', start)).toEqual({
      scope: 'address',
      until: start + 15 * MINUTE,
    });
    expect(await t.lockOf('a4', '192.0.2.2', start)).toBeUndefined();
    for (const [name, address] of [
      ['b1', '192.0.2.2'],
      ['b2', '192.0.2.3'],
      ['b3', '192.0.2.4'],
    ] as const) {
      await t.recordFailure(name, address, start + MINUTE);
    }
    expect(await t.lockOf('huong', '198.51.100.1', start + 2 * MINUTE)).toEqual({
      scope: 'all',
      until: start + 15 * MINUTE,
    });
    expect(await t.lockOf('huong', '198.51.100.1', start + 15 * MINUTE)).toBeUndefined();
  });

  it('clears a login’s count on success and on unlock; --all clears addresses and the ceiling too', async () => {
    const t = new LoginThrottle(database.db, { ...DEFAULT_LOGIN_LIMITS, address: 5, global: 1000 });
    for (let i = 0; i < 4; i++) await t.recordFailure('huong', '192.0.2.1', start);
    await t.reset('huong');
    await t.recordFailure('huong', '192.0.2.1', start);
    expect(await t.lockOf('huong', '192.0.2.9', start)).toBeUndefined();
    for (let i = 0; i < 5; i++) await t.recordFailure('trang', '192.0.2.2', start);
    expect(await t.lockOf('trang', '192.0.2.9', start)).toMatchObject({ scope: 'account' });
    expect(await unlockLogins(database.db, { login: 'trang' })).toBe(1);
    expect(await t.lockOf('trang', '192.0.2.9', start)).toBeUndefined();
    expect(await t.lockOf('x', '192.0.2.2', start)).toMatchObject({ scope: 'address' });
    await unlockLogins(database.db, 'all');
    expect(await t.lockOf('x', '192.0.2.2', start)).toBeUndefined();
  });
});
