import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { signTaskToken, taskUrl, TaskLinkError, verifyTaskToken } from '../../../src/links/task-link';
import { linkConfigFromEnv } from '../../../src/config/links';

const SECRET = 'a'.repeat(64);
const scope = { cycleId: 'cycle:dien-bien-kh99:2027:SOYT', agency: 'SOYT', milestone: 'annual-plan' };
const expires = new Date('2028-01-31T00:00:00Z');

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TaskLinkError) return err.problem;
    throw err;
  }
  throw new Error('expected a TaskLinkError');
}

describe('task links', () => {
  it('round-trips the scope and is the same for the same scope and expiry', () => {
    const token = signTaskToken(scope, expires, SECRET);
    expect(signTaskToken(scope, expires, SECRET)).toBe(token);
    expect(verifyTaskToken(token, SECRET, undefined, new Date('2027-06-01T00:00:00Z'))).toEqual(scope);
    expect(taskUrl('https://x.example', token)).toBe(`https://x.example/nhiem-vu/${token}`);
  });

  it('refuses an expired link', () => {
    const token = signTaskToken(scope, expires, SECRET);
    expect(problem(() => verifyTaskToken(token, SECRET, undefined, new Date('2028-02-01T00:00:00Z')))).toBe(
      'expired',
    );
  });

  it('refuses a correctly signed link without an expiry', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const forever = jwt.sign({ c: scope.cycleId, a: scope.agency, m: scope.milestone }, SECRET, {
      algorithm: 'HS256',
      audience: 'phoihop-portal',
      issuer: 'phoihop',
      noTimestamp: true,
    });
    expect(() => verifyTaskToken(forever, SECRET, undefined, now)).toThrow('the link has no expiry');
    expect(problem(() => verifyTaskToken(forever, SECRET, undefined, now))).toBe('malformed');
  });

  it('refuses a forged or altered link', () => {
    const token = signTaskToken(scope, expires, SECRET);
    const now = new Date('2027-06-01T00:00:00Z');
    expect(problem(() => verifyTaskToken(token, 'b'.repeat(64), undefined, now))).toBe('bad-signature');
    const [header, , signature] = token.split('.');
    const otherPayload = Buffer.from(
      JSON.stringify({
        c: scope.cycleId,
        a: 'CATINH',
        m: scope.milestone,
        exp: 1900000000,
        aud: 'phoihop-portal',
        iss: 'phoihop',
      }),
    ).toString('base64url');
    expect(
      problem(() => verifyTaskToken(`${header}.${otherPayload}.${signature}`, SECRET, undefined, now)),
    ).toBe('bad-signature');
    expect(problem(() => verifyTaskToken('not-a-token', SECRET, undefined, now))).toBe('malformed');
    // An unsigned token (alg=none) is a forgery.
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(problem(() => verifyTaskToken(none, SECRET, undefined, now))).toBe('bad-signature');
  });

  it('refuses a good link used for another agency or milestone', () => {
    const token = signTaskToken(scope, expires, SECRET);
    const now = new Date('2027-06-01T00:00:00Z');
    expect(problem(() => verifyTaskToken(token, SECRET, { agency: 'CATINH' }, now))).toBe('wrong-scope');
    expect(problem(() => verifyTaskToken(token, SECRET, { milestone: 'report-6m' }, now))).toBe(
      'wrong-scope',
    );
    expect(verifyTaskToken(token, SECRET, { agency: 'SOYT', milestone: 'annual-plan' }, now)).toEqual(scope);
  });
});

describe('link configuration', () => {
  it('creates one secret for the embedded stack and reuses it', () => {
    const data = mkdtempSync(join(tmpdir(), 'phoihop-links-'));
    const first = linkConfigFromEnv({ PHOIHOP_DATA: data });
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(linkConfigFromEnv({ PHOIHOP_DATA: data }).secret).toBe(first.secret);
    expect(readFileSync(join(data, 'link-secret'), 'utf8').trim()).toBe(first.secret);
    expect(statSync(join(data, 'link-secret')).mode & 0o777).toBe(0o600);
  });

  it('names a short secret and a bad public URL', () => {
    expect(() => linkConfigFromEnv({ PHOIHOP_LINK_SECRET: 'short' })).toThrow(
      /^PHOIHOP_LINK_SECRET: is 5 characters/,
    );
    expect(() => linkConfigFromEnv({ PHOIHOP_LINK_SECRET: SECRET, PHOIHOP_PUBLIC_URL: 'ftp://x' })).toThrow(
      /^PHOIHOP_PUBLIC_URL:/,
    );
  });
});
