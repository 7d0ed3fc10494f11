import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * The personal link in every task email: a signed token (HS256 JWT) scoped to one cycle, one agency and
 * one milestone, expiring after the cycle. The portal accepts only a token whose signature, audience,
 * expiry (which it must have) and scope all check out; anything else is refused with the reason.
 */
export interface TaskScope {
  /** Workflow ID of the agency's obligations, e.g. `cycle:dien-bien-kh99:2027:SOYT`. */
  cycleId: string;
  agency: string;
  milestone: string;
}

export type TaskLinkProblem = 'malformed' | 'bad-signature' | 'expired' | 'wrong-scope';

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

export function signTaskToken(scope: TaskScope, expiresAt: Date, secret: string): string {
  // No issued-at time: the same scope and expiry always give the same link, so an email resent after a
  // crash carries the same link as the first one.
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return jwt.sign({ c: scope.cycleId, a: scope.agency, m: scope.milestone, exp }, keyOf(secret), {
    algorithm: 'HS256',
    audience: AUDIENCE,
    issuer: ISSUER,
    noTimestamp: true,
  });
}

/**
 * Checks a token and returns its scope. `expected`, when given, must match (a link for another agency or
 * milestone is refused even when its signature is good).
 */
export function verifyTaskToken(
  token: string,
  secret: string,
  expected?: Partial<TaskScope>,
  now = new Date(),
): TaskScope {
  let payload: jwt.JwtPayload;
  try {
    payload = jwt.verify(token, keyOf(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      clockTimestamp: Math.floor(now.getTime() / 1000),
    }) as jwt.JwtPayload;
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
  if (typeof payload.exp !== 'number') {
    throw new TaskLinkError('malformed', 'the link has no expiry');
  }
  const { c, a, m } = payload as { c?: unknown; a?: unknown; m?: unknown };
  if (typeof c !== 'string' || typeof a !== 'string' || typeof m !== 'string') {
    throw new TaskLinkError('malformed', 'the link does not name a cycle, agency and milestone');
  }
  const scope: TaskScope = { cycleId: c, agency: a, milestone: m };
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
