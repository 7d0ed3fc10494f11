import { randomBytes, scryptSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  hashPassword,
  needsRehash,
  parseHash,
  passwordProblem,
  SCRYPT_PARAMS,
  verifyPassword,
} from '../../../src/auth/password';

describe('password hashing (scrypt)', () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword('Điện Biên Phủ 1954!');
  });

  it('stores scrypt$N$r$p$salt$hash with a random 16-byte salt and OWASP’s N=2^17, r=8, p=1', async () => {
    const parts = stored.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', String(2 ** 17), '8', '1']);
    expect(SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    const again = await hashPassword('Điện Biên Phủ 1954!');
    expect(again).not.toBe(stored);
    expect(again.split('$')[4]).not.toBe(parts[4]);
  });

  it('verifies the right password, also typed in another Unicode normal form', async () => {
    expect(await verifyPassword('Điện Biên Phủ 1954!', stored)).toBe(true);
    expect(await verifyPassword('Điện Biên Phủ 1954!'.normalize('NFD'), stored)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    expect(await verifyPassword('Điện Biên Phủ 1955!', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('refuses everything against a tampered or malformed hash', async () => {
    const parts = stored.split('$');
    const flipped = Buffer.from(parts[5]!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    const tampered = [
      [...parts.slice(0, 5), flipped.toString('base64')].join('$'),
      [...parts.slice(0, 4), Buffer.alloc(16).toString('base64'), parts[5]].join('$'),
      ['scrypt', 2 ** 14, 8, 1, parts[4], parts[5]].join('$'),
      ['scrypt', 2 ** 30, 8, 1, parts[4], parts[5]].join('$'), // would take forever: refused unparsed
      ['scrypt', 3000, 8, 1, parts[4], parts[5]].join('$'),
      ['bcrypt', ...parts.slice(1)].join('$'),
      parts.slice(0, 5).join('$'),
      '',
    ];
    for (const hash of tampered) {
      expect({ hash, ok: await verifyPassword('Điện Biên Phủ 1954!', hash) }).toEqual({ hash, ok: false });
    }
    expect(parseHash(tampered[3]!)).toBeUndefined();
    expect(parseHash(stored)).toMatchObject({ N: 131072, r: 8, p: 1 });
  });

  it('spends the same scrypt work for an unknown login (no stored hash) and answers false', async () => {
    await verifyPassword('warm-up password', undefined); // the decoy hash is made once per process
    const time = async (fn: () => Promise<boolean>) => {
      const start = performance.now();
      expect(await fn()).toBe(false);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(() => verifyPassword('wrong password here', stored)));
      unknown.push(await time(() => verifyPassword('wrong password here', undefined)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // N=2^17 takes hundreds of milliseconds; an unknown login must not come back measurably faster.
    expect(median(known)).toBeGreaterThan(10);
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknown)).toBeLessThan(median(known) * 2);
  });

  it("verifies a hash made with the former N=2^15 and says it needs upgrading; today's does not", async () => {
    const salt = randomBytes(16);
    const key = scryptSync('Mường Thanh 2027', salt, 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    const old = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    expect(await verifyPassword('Mường Thanh 2027', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('asks for at least 10 characters', () => {
    expect(passwordProblem('ngắn quá')).toMatch(/at least 10 characters/);
    expect(passwordProblem('đủ mười ký tự')).toBeUndefined();
    expect(passwordProblem('x'.repeat(2000))).toMatch(/at most 1024/);
  });
});
