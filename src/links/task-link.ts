import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * The personal link in every task email: a signed token (HS256 JWT) scoped to one cycle, one agency and
 * one milestone, expiring after the cycle, naming the recipient's link (`l`: a TaskLink row, which the
 * portal looks up on every use, src/links/issue.ts) and, in its header, the key that signed it (`kid`).
 * The portal accepts only a token whose key is among the accepted ones (current and previous) and whose
 * signature, audience, expiry (which it must have) and scope all check out; anything else is refused
 * with the reason.
 */
export interface TaskScope {
  /** Workflow ID of the agency's obligations, e.g. `cycle:dien-bien-kh99:2027:SOYT`. */
  cycleId: string;
  agency: string;
  milestone: string;
  /** The recipient's link (TaskLink id); absent in a token issued before links were per recipient. */
  linkId?: number;
}

/** One signing key: its id (the token's `kid`) and its secret. */
export interface LinkKey {
  id: string;
  secret: string;
}

/** The keys the portal accepts: the one links are signed with now, and the one before it while it lasts. */
export interface LinkKeyring {
  current: LinkKey;
  previous?: LinkKey;
}

/**
 * Why a link is refused. `replaced`: signed with a key that is no longer accepted (a key rotation retired
 * it); `revoked`: withdrawn by a coordinator, or its recipient is no longer a contact of the agency.
 */
export type TaskLinkProblem =
  'malformed' | 'bad-signature' | 'expired' | 'wrong-scope' | 'replaced' | 'revoked';

export class TaskLinkError extends Error {
  constructor(
    readonly problem: TaskLinkProblem,
    message: string,
  ) {
    super(message);
    this.name = 'TaskLinkError';
  }
}

const AUDIENCE = 'phoihop-portal';
const ISSUER = 'phoihop';

const keys = new Map<string, KeyObject>();

/**
 * The secret as a KeyObject, made once: given the string, jsonwebtoken first tries to read it as a PEM
 * private or public key on every call (a failed parse each time: a few percent of the worker's CPU when
 * tens of thousands of emails go out).
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/**
 * Signs a link. `key`: the key with its id (written as the header's `kid`), or a bare secret (a token
 * without a key id, as links were before key rotation; kept for tests of those links).
 */
export function signTaskToken(scope: TaskScope, expiresAt: Date, key: LinkKey | string): string {
  // No issued-at time: the same scope, link and expiry always give the same token, so an email resent
  // after a crash carries the same link as the first one.
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const payload = {
    c: scope.cycleId,
    a: scope.agency,
    m: scope.milestone,
    ...(scope.linkId !== undefined ? { l: scope.linkId } : {}),
    exp,
  };
  const secret = typeof key === 'string' ? key : key.secret;
  return jwt.sign(payload, keyOf(secret), {
    algorithm: 'HS256',
    audience: AUDIENCE,
    issuer: ISSUER,
    noTimestamp: true,
    ...(typeof key === 'string' ? {} : { keyid: key.id }),
  });
}

/** A ring of one key (the secret alone, with the default id): what tests and single-key setups pass. */
function ringOf(keys: LinkKeyring | string): LinkKeyring {
  return typeof keys === 'string' ? { current: { id: DEFAULT_KEY_ID, secret: keys } } : keys;
}

/** The id of the key when PHOIHOP_LINK_KEY_ID is not set. */
export const DEFAULT_KEY_ID = 'k1';

/**
 * The keys to try on a token: the accepted key its `kid` names; for a token without a `kid` (issued
 * before key ids) each accepted key. A `kid` that names no accepted key is a retired key: "replaced".
 */
function candidateKeys(token: string, ring: LinkKeyring): LinkKey[] {
  const accepted = [ring.current, ...(ring.previous ? [ring.previous] : [])];
  let decoded: jwt.Jwt | null;
  try {
    // Throws on a payload that is not JSON (a character changed in it), returns null on other junk.
    decoded = jwt.decode(token, { complete: true });
  } catch {
    decoded = null;
  }
  if (!decoded || typeof decoded.header !== 'object') {
    throw new TaskLinkError('malformed', 'the link is not valid: not a signed token');
  }
  const kid = decoded.header.kid;
  if (kid === undefined) return accepted;
  if (typeof kid !== 'string') throw new TaskLinkError('malformed', 'the link names its key wrongly');
  const key = accepted.find((k) => k.id === kid);
  if (!key) throw new TaskLinkError('replaced', `the link was signed with key "${kid}", which was retired`);
  return [key];
}

/**
 * Checks a token and returns its scope. `expected`, when given, must match (a link for another agency or
 * milestone is refused even when its signature is good).
 */
export function verifyTaskToken(
  token: string,
  keys: LinkKeyring | string,
  expected?: Partial<TaskScope>,
  now = new Date(),
): TaskScope {
  const candidates = candidateKeys(token, ringOf(keys));
  let payload: jwt.JwtPayload | undefined;
  try {
    for (const [i, key] of candidates.entries()) {
      try {
        payload = jwt.verify(token, keyOf(key.secret), {
          algorithms: ['HS256'],
          audience: AUDIENCE,
          issuer: ISSUER,
          clockTimestamp: Math.floor(now.getTime() / 1000),
        }) as jwt.JwtPayload;
        break;
      } catch (err) {
        // A token without a key id: the next accepted key may be the one that signed it.
        const badSignature = err instanceof jwt.JsonWebTokenError && /signature/.test(err.message);
        if (!badSignature || i === candidates.length - 1) throw err;
      }
    }
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) {
      throw new TaskLinkError('expired', `the link expired on ${err.expiredAt.toISOString()}`);
    }
    if (err instanceof jwt.JsonWebTokenError && /signature/.test(err.message)) {
      throw new TaskLinkError('bad-signature', 'the link was altered or was not issued by this system');
    }
    throw new TaskLinkError('malformed', `the link is not valid: ${(err as Error).message}`);
  }
  // jsonwebtoken checks `exp` only when it is there: a link without one would never expire.
  if (!payload) throw new TaskLinkError('malformed', 'the link is not valid');
  if (typeof payload.exp !== 'number') {
    throw new TaskLinkError('malformed', 'the link has no expiry');
  }
  const { c, a, m, l } = payload as { c?: unknown; a?: unknown; m?: unknown; l?: unknown };
  if (typeof c !== 'string' || typeof a !== 'string' || typeof m !== 'string') {
    throw new TaskLinkError('malformed', 'the link does not name a cycle, agency and milestone');
  }
  if (l !== undefined && !(typeof l === 'number' && Number.isSafeInteger(l) && l > 0)) {
    throw new TaskLinkError('malformed', 'the link names its recipient wrongly');
  }
  const scope: TaskScope = { cycleId: c, agency: a, milestone: m, ...(l !== undefined ? { linkId: l } : {}) };
  for (const key of ['cycleId', 'agency', 'milestone'] as const) {
    if (expected?.[key] !== undefined && expected[key] !== scope[key]) {
      throw new TaskLinkError(
        'wrong-scope',
        `the link is for ${key} "${scope[key]}", not "${expected[key]}"`,
      );
    }
  }
  return scope;
}

export function taskUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/nhiem-vu/${token}`;
}
