// Dashboard login sessions: a random 32-byte token in the cookie, only its sha256 in WebSession.
// Idle timeout 30 min for coordinators (who act) and 8 h for the other roles (who read), both
// configurable; absolute lifetime 12 h; a disabled user's sessions end at their next request.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/client';
import type { Role } from './users';
import { scopeSpecOf, type UserScopeSpec } from './scopes';

export const SESSION_COOKIE = 'phoihop_session';
export const IDLE_MS = 8 * 3600_000;
export const COORDINATOR_IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 3600_000;

/** How long a session may stay idle, per role (PHOIHOP_SESSION_IDLE_MINUTES[_COORDINATOR]). */
export interface IdlePolicy {
  coordinatorMs: number;
  otherMs: number;
}

export const DEFAULT_IDLE: IdlePolicy = { coordinatorMs: COORDINATOR_IDLE_MS, otherMs: IDLE_MS };

export function idleMsOf(role: Role, policy: IdlePolicy = DEFAULT_IDLE): number {
  return role === 'coordinator' ? policy.coordinatorMs : policy.otherMs;
}
/** lastSeenAt is written at most this often (a page view need not be a database write). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionUser {
  id: number;
  login: string;
  name: string;
  role: Role;
  /** Manages the dashboard's users (src/web/dashboard/users.ts). */
  administrator: boolean;
  /** Where the role holds (src/auth/scopes.ts). */
  scope: UserScopeSpec;
}

export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a session for a user; returns the token for the cookie (never stored). */
export async function createSession(
  db: Database,
  userId: number,
  now: number,
  idleMs: number = IDLE_MS,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.prisma.webSession.create({
    data: {
      id: sessionId(token),
      userId,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + Math.min(idleMs, ABSOLUTE_MS)),
    },
  });
  return token;
}

/**
 * The user a cookie's token belongs to, or undefined when the session is unknown, idle too long (per role), older
 * than 12 h, or its user is disabled (an ended session's row is deleted). Extends the idle window.
 */
export async function resumeSession(
  db: Database,
  token: string | undefined,
  now: number,
  idle: IdlePolicy = DEFAULT_IDLE,
): Promise<SessionUser | undefined> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const id = sessionId(token);
  const session = await db.prisma.webSession.findUnique({
    where: { id },
    include: { user: { include: { scopes: true } } },
  });
  if (!session) return undefined;
  const idleMs = idleMsOf(session.user.role, idle);
  const ended =
    session.user.disabled ||
    now >= session.expiresAt.getTime() ||
    now >= session.lastSeenAt.getTime() + idleMs ||
    now >= session.createdAt.getTime() + ABSOLUTE_MS;
  if (ended) {
    await db.prisma.webSession.deleteMany({ where: { id } });
    return undefined;
  }
  if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.prisma.webSession.updateMany({
      where: { id },
      data: {
        lastSeenAt: new Date(now),
        expiresAt: new Date(Math.min(now + idleMs, session.createdAt.getTime() + ABSOLUTE_MS)),
      },
    });
  }
  const { user } = session;
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    role: user.role,
    administrator: user.administrator,
    scope: scopeSpecOf(user),
  };
}

/** The user's sessions other than the one of `token` (open on other browsers or devices). */
export async function otherSessionCount(db: Database, userId: number, token: string): Promise<number> {
  return db.prisma.webSession.count({ where: { userId, id: { not: sessionId(token) } } });
}

/** Ends every session of the user but the one of `token`; returns how many ended. */
export async function endOtherSessions(db: Database, userId: number, token: string): Promise<number> {
  const { count } = await db.prisma.webSession.deleteMany({
    where: { userId, id: { not: sessionId(token) } },
  });
  return count;
}

export async function endSession(db: Database, token: string | undefined): Promise<void> {
  if (token) await db.prisma.webSession.deleteMany({ where: { id: sessionId(token) } });
}

/** Deletes sessions past their expiry (called now and then; expired rows are refused anyway). */
export async function purgeExpiredSessions(db: Database, now: number): Promise<number> {
  const { count } = await db.prisma.webSession.deleteMany({ where: { expiresAt: { lte: new Date(now) } } });
  return count;
}
