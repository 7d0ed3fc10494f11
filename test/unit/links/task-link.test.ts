import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { signTaskToken, taskUrl, TaskLinkError, verifyTaskToken } from '../../../src/links/task-link';
import { linkConfigFromEnv, linkKeyring } from '../../../src/config/links';

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

describe('key ids and rotation', () => {
  const now = new Date('2027-06-01T00:00:00Z');
  const OLD = { id: '2026', secret: 'o'.repeat(64) };
  const NEW = { id: '2027', secret: 'n'.repeat(64) };
  const withLink = { ...scope, linkId: 42 };

  it('names its key and its recipient link in the token, and round-trips them', () => {
    const token = signTaskToken(withLink, expires, NEW);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid?: string };
    expect(header.kid).toBe('2027');
    expect(verifyTaskToken(token, { current: NEW }, undefined, now)).toEqual(withLink);
    expect(signTaskToken(withLink, expires, NEW)).toBe(token);
  });

  it('accepts a link under the previous key during a rotation, and calls it replaced once that key is retired', () => {
    const old = signTaskToken(withLink, expires, OLD);
    expect(verifyTaskToken(old, { current: NEW, previous: OLD }, undefined, now)).toEqual(withLink);
    expect(problem(() => verifyTaskToken(old, { current: NEW }, undefined, now))).toBe('replaced');
  });

  it('does not let a known secret stand in for another key id', () => {
    // Signed with the current secret, but naming a key that is not accepted.
    const other = signTaskToken(withLink, expires, { id: 'retired', secret: NEW.secret });
    expect(problem(() => verifyTaskToken(other, { current: NEW, previous: OLD }, undefined, now))).toBe(
      'replaced',
    );
    // Naming the current key but signed with the previous one's secret.
    const swapped = signTaskToken(withLink, expires, { id: NEW.id, secret: OLD.secret });
    expect(problem(() => verifyTaskToken(swapped, { current: NEW, previous: OLD }, undefined, now))).toBe(
      'bad-signature',
    );
  });

  it('checks a link from before key ids against each accepted key', () => {
    const legacy = signTaskToken(scope, expires, OLD.secret);
    expect(verifyTaskToken(legacy, { current: NEW, previous: OLD }, undefined, now)).toEqual(scope);
    expect(problem(() => verifyTaskToken(legacy, { current: NEW }, undefined, now))).toBe('bad-signature');
  });

  it('refuses a link without an expiry under a key id too', () => {
    const forever = jwt.sign({ c: scope.cycleId, a: scope.agency, m: scope.milestone, l: 1 }, NEW.secret, {
      algorithm: 'HS256',
      audience: 'phoihop-portal',
      issuer: 'phoihop',
      noTimestamp: true,
      keyid: NEW.id,
    });
    expect(() => verifyTaskToken(forever, { current: NEW }, undefined, now)).toThrow(
      'the link has no expiry',
    );
  });

  it('calls a token whose payload is not JSON malformed (not a crash)', () => {
    const [header, , signature] = signTaskToken(withLink, expires, NEW).split('.');
    const junk = Buffer.from('#"c":"cycle"}').toString('base64url');
    expect(
      problem(() => verifyTaskToken(`${header}.${junk}.${signature}`, { current: NEW }, undefined, now)),
    ).toBe('malformed');
  });

  it('refuses a link id that is not a positive whole number', () => {
    for (const l of ['42', -1, 1.5, 0]) {
      const bad = jwt.sign(
        { c: scope.cycleId, a: scope.agency, m: scope.milestone, l, exp: 1900000000 },
        NEW.secret,
        {
          algorithm: 'HS256',
          audience: 'phoihop-portal',
          issuer: 'phoihop',
          noTimestamp: true,
          keyid: NEW.id,
        },
      );
      expect(problem(() => verifyTaskToken(bad, { current: NEW }, undefined, now))).toBe('malformed');
    }
  });
});

describe('link key configuration', () => {
  const CURRENT = 'c'.repeat(64);
  const PREVIOUS = 'p'.repeat(64);

  it('names the current key k1 unless told, and reads a previous key for a rotation', () => {
    expect(linkKeyring(linkConfigFromEnv({ PHOIHOP_LINK_SECRET: CURRENT }))).toEqual({
      current: { id: 'k1', secret: CURRENT },
    });
    const rotating = linkConfigFromEnv({
      PHOIHOP_LINK_SECRET: CURRENT,
      PHOIHOP_LINK_KEY_ID: '2027-01',
      PHOIHOP_LINK_PREVIOUS_SECRET: PREVIOUS,
      PHOIHOP_LINK_PREVIOUS_KEY_ID: 'k1',
    });
    expect(linkKeyring(rotating)).toEqual({
      current: { id: '2027-01', secret: CURRENT },
      previous: { id: 'k1', secret: PREVIOUS },
    });
  });

  it('names what is wrong with a rotation setting', () => {
    const base = { PHOIHOP_LINK_SECRET: CURRENT };
    expect(() => linkConfigFromEnv({ ...base, PHOIHOP_LINK_KEY_ID: 'a b' })).toThrow(
      /^PHOIHOP_LINK_KEY_ID: "a b"/,
    );
    expect(() => linkConfigFromEnv({ ...base, PHOIHOP_LINK_PREVIOUS_KEY_ID: 'k0' })).toThrow(
      /^PHOIHOP_LINK_PREVIOUS_KEY_ID: is set without PHOIHOP_LINK_PREVIOUS_SECRET/,
    );
    expect(() => linkConfigFromEnv({ ...base, PHOIHOP_LINK_PREVIOUS_SECRET: PREVIOUS })).toThrow(
      /^PHOIHOP_LINK_PREVIOUS_KEY_ID: is not set/,
    );
    expect(() =>
      linkConfigFromEnv({
        ...base,
        PHOIHOP_LINK_PREVIOUS_SECRET: 'short',
        PHOIHOP_LINK_PREVIOUS_KEY_ID: 'k0',
      }),
    ).toThrow(/^PHOIHOP_LINK_PREVIOUS_SECRET: is 5 characters/);
    expect(() =>
      linkConfigFromEnv({
        ...base,
        PHOIHOP_LINK_PREVIOUS_SECRET: CURRENT,
        PHOIHOP_LINK_PREVIOUS_KEY_ID: 'k0',
      }),
    ).toThrow(/^PHOIHOP_LINK_PREVIOUS_SECRET: is the same as PHOIHOP_LINK_SECRET/);
    expect(() =>
      linkConfigFromEnv({
        ...base,
        PHOIHOP_LINK_PREVIOUS_SECRET: PREVIOUS,
        PHOIHOP_LINK_PREVIOUS_KEY_ID: 'k1',
      }),
    ).toThrow(/^PHOIHOP_LINK_PREVIOUS_KEY_ID: is "k1", the same as PHOIHOP_LINK_KEY_ID/);
  });
});
