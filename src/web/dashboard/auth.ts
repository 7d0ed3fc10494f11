// Authentication and authorisation of the coordinators' dashboard (/quan-ly).
//
// How other dashboard pages use it (exports, directory management, inspections…): register routes
// inside `registerDashboard`'s plugin (src/web/dashboard/routes.ts, which carries the /quan-ly prefix,
// the cookie and CSRF plugins and the session hook), then
//
//   dash.get('/chu-ky/:cycleId/xuat/:file', { config: { access: onProgramOf(cycleParam, ...READERS) } }, handler)
//   dash.post('/danh-ba/nhap/ap-dung', { config: { access: onAllPrograms('coordinator') } }, handler)
//
// (every route declares its access, access.ts: who, and on which program; the server refuses to start
// otherwise) with the route's `schema` (schemas.ts) and `attachValidation: true`, so that these checks come
// before the schema's verdict, which the handler reads with `invalidPart(request)`.
// - Every request under /quan-ly has `request.dashboardUser` (a SessionUser, or null when not logged
//   in), loaded from the `phoihop_session` cookie by `loadSession` (idle 30 min for coordinators and 8 h for
//   the others by default, absolute 12 h, a disabled
//   user is out at the next request); `currentUser(request)` reads it.
// - Logins: failures are counted in the database per account, per client address and in all
//   (src/auth/login-throttle.ts); a locked attempt gets 429 and how long it lasts; password hashing is
//   bounded (src/auth/hashing-gate.ts), a full queue gets 503.
// - Access (access.ts): a GET without a session is redirected (303) to the login page; any other request
//   without one, or a user whose role is not listed, gets the 403 page; a program outside the user's scope
//   gets the 404 page; nothing of the route runs.
// - Every POST under /quan-ly must carry the CSRF token in the form field `_csrf` (take it from
//   `csrfToken(reply)`, which sets the secret cookie when needed and binds the token to the session: a
//   token from before a login, or from another session, is refused); the check runs before any route
//   handler, and a missing or wrong token gets the 403 page. A multipart upload reads its fields first:
//   mark the route `config: { multipartCsrf: true }` and call `verifyMultipartCsrf` (directory-upload.ts)
//   with its `_csrf` field before doing anything else (see the directory import in directory.ts).
// - Roles: viewer reads; inspector reads (and records inspections); coordinator acts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { publicRoute } from './access';
import { USERS_WORDS } from './users-i18n';
import {
  ABSOLUTE_MS,
  DEFAULT_IDLE,
  idleMsOf,
  type IdlePolicy,
  createSession,
  endSession,
  purgeExpiredSessions,
  resumeSession,
  SESSION_COOKIE,
  type SessionUser,
} from '../../auth/sessions';
import { hashPassword, needsRehash, verifyPassword, MAX_PASSWORD_LENGTH } from '../../auth/password';
import { HashingBusy } from '../../auth/hashing-gate';
import { normalizeLogin, type Role } from '../../auth/users';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLock } from '../../auth/login-throttle';
import { idlePolicyFromEnv, loginLimitsFromEnv } from '../../config/login';
import type { WebContext } from '../server';
import { DASH } from './i18n';
import { dashPage, withLang } from './page';
import { DASHBOARD_PREFIX } from '../../links/dashboard-paths';
import { boundCsrfToken } from './csrf-binding';
import type { DashboardApp } from './routes';
import { invalidPart, langQuery, loginBody, loginQuery, pageQuery } from './schemas';
import { stringFields } from '../agency/schemas';

export type { SessionUser } from '../../auth/sessions';

export { DASHBOARD_PREFIX };
export const CSRF_COOKIE = 'phoihop_csrf';
export const LOGIN_PATH = `${DASHBOARD_PREFIX}/dang-nhap`;
export const LOGOUT_PATH = `${DASHBOARD_PREFIX}/dang-xuat`;
/** Where a login leads: what needs the user today (today-routes.ts). */
export const TODAY_PATH = `${DASHBOARD_PREFIX}/hom-nay`;

/** Where a login lands: the day's work for a user of every program, else the cycles of their scope. */
function homeOf(allPrograms: boolean): string {
  return allPrograms ? TODAY_PATH : DASHBOARD_PREFIX;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in dashboard user, or null (set by the dashboard's session hook). */
    dashboardUser: SessionUser | null;
  }
}

export function currentUser(request: FastifyRequest): SessionUser | null {
  return request.dashboardUser ?? null;
}

/** The audit actor of a dashboard user: "coordinator:<login>" (whatever the role, the login is kept). */
export function actorOf(user: SessionUser): string {
  return `${user.role}:${user.login}`;
}

/** Cookie attributes of the session and CSRF cookies: HttpOnly, SameSite=Lax, Path=/quan-ly, Secure on https. */
export function cookieOptions(secure: boolean) {
  return { path: DASHBOARD_PREFIX, httpOnly: true, sameSite: 'lax' as const, secure };
}

/**
 * A CSRF token for a form of this response (`<input type="hidden" name="_csrf" value="…">`), valid only
 * in the session it was issued in (csrf-binding.ts).
 */
export function csrfToken(reply: FastifyReply): string {
  return boundCsrfToken(reply);
}

/** The idle timeouts of this server's sessions: its dashboard settings', else the environment's. */
function idlePolicyOf(ctx: WebContext): IdlePolicy {
  return ctx.deps.dashboard ? (ctx.deps.dashboard.idle ?? DEFAULT_IDLE) : idlePolicyFromEnv();
}

/** The session hook: sets request.dashboardUser from the cookie; clears a cookie whose session has ended. */
export function loadSession(ctx: WebContext, secure: boolean) {
  const idle = idlePolicyOf(ctx);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const now = (ctx.deps.now ?? Date.now)();
    request.dashboardUser = token ? ((await resumeSession(ctx.deps.db, token, now, idle)) ?? null) : null;
    if (token && !request.dashboardUser) reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
  };
}

/** Every role may read. */
export const READERS: Role[] = ['coordinator', 'inspector', 'viewer'];

/** The login and logout routes (on the dashboard's plugin, prefix /quan-ly). */
export function registerLoginRoutes(dash: DashboardApp, ctx: WebContext, secure: boolean): void {
  // Failed logins are counted in the database (login-throttle.ts): every portal process shares them.
  const limits = ctx.deps.dashboard
    ? (ctx.deps.dashboard.login ?? DEFAULT_LOGIN_LIMITS)
    : loginLimitsFromEnv();
  const throttle = new LoginThrottle(ctx.deps.db, limits);
  const idle = idlePolicyOf(ctx);
  const now = () => (ctx.deps.now ?? Date.now)();

  /** The login page refusing a locked attempt: 429, Retry-After, and how many minutes are left. */
  function lockedForm(
    request: FastifyRequest,
    reply: FastifyReply,
    lock: LoginLock,
    login: string,
    at: number,
  ) {
    const w = DASH[request.lang];
    const seconds = Math.max(1, Math.ceil((lock.until - at) / 1000));
    const minutes = Math.ceil(seconds / 60);
    const text =
      lock.scope === 'account'
        ? w.accountLocked(minutes)
        : lock.scope === 'address'
          ? w.addressLocked(minutes)
          : w.loginCeiling(minutes);
    reply.header('retry-after', String(seconds));
    return loginForm(request, reply, 429, { kind: 'error', text }, login);
  }

  async function loginForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message?: { kind: 'error' | 'info'; text: string },
    login = '',
  ) {
    return dashPage(ctx, request, reply, status, 'dashboard/login', {
      title: DASH[request.lang].loginTitle,
      message,
      login,
    });
  }

  /** Replaces a hash made with smaller work factors than today's (the password was just verified). */
  async function upgradeHash(userId: number, stored: string, password: string, request: FastifyRequest) {
    if (!needsRehash(stored)) return;
    try {
      const passwordHash = await hashPassword(password);
      // Only if the stored hash is still the one verified (a concurrent `user passwd` wins).
      await ctx.deps.db.prisma.user.updateMany({
        where: { id: userId, passwordHash: stored },
        data: { passwordHash },
      });
    } catch (err) {
      // Busy hashing: the old hash still works; the upgrade happens at a later login.
      if (!(err instanceof HashingBusy)) throw err;
      request.log.info({ userId }, 'password hash upgrade postponed: hashing busy');
    }
  }

  dash.get(
    '/dang-nhap',
    { config: { access: publicRoute }, schema: { querystring: loginQuery }, attachValidation: true },
    async (request, reply) => {
      const lang = request.lang;
      const signedIn = currentUser(request);
      if (signedIn) return reply.redirect(withLang(homeOf(signedIn.scope.allPrograms), lang), 303);
      const q = pageQuery(request, request.query);
      const message = q.bye
        ? { kind: 'info' as const, text: DASH[lang].loggedOut }
        : q.het
          ? { kind: 'info' as const, text: DASH[lang].sessionEnded }
          : q.mk
            ? { kind: 'info' as const, text: USERS_WORDS[lang].passwordSet }
            : undefined;
      return loginForm(request, reply, 200, message);
    },
  );

  dash.post(
    '/dang-nhap',
    {
      config: { access: publicRoute },
      schema: { querystring: langQuery, body: loginBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      // A login or password of the wrong shape (sent twice, not text) is one that does not match.
      const body = invalidPart(request) === 'body' ? stringFields(request.body) : request.body;
      const login = normalizeLogin(body.login ?? '').slice(0, 64);
      const password = (body.password ?? '').slice(0, MAX_PASSWORD_LENGTH);
      const at = now();
      // A locked login, address or the global ceiling refuses before any password work, even the right
      // password (unknown logins are counted and locked alike, so a lock says nothing of who exists).
      const lock = await throttle.lockOf(login, request.ip, at);
      if (lock) {
        request.log.warn({ login, lock: lock.scope }, 'dashboard login refused: locked');
        return lockedForm(request, reply, lock, login, at);
      }
      const user = login ? await ctx.deps.db.prisma.user.findUnique({ where: { login } }) : null;
      // The password is checked (or a decoy, for an unknown login) in every case, so that the answer's
      // timing tells nothing. Hashing is bounded (hashing-gate.ts): beyond it, 503 and nothing counted.
      let matches: boolean;
      try {
        matches = await verifyPassword(password, user?.passwordHash);
      } catch (err) {
        if (!(err instanceof HashingBusy)) throw err;
        request.log.warn({ login }, 'dashboard login refused: hashing busy');
        reply.header('retry-after', '5');
        return loginForm(request, reply, 503, { kind: 'error', text: DASH[lang].loginBusy }, login);
      }
      if (!user || !matches || user.disabled) {
        await throttle.recordFailure(login, request.ip, at);
        request.log.warn({ login }, 'dashboard login refused');
        return loginForm(request, reply, 401, { kind: 'error', text: DASH[lang].loginFailed }, login);
      }
      await throttle.reset(login);
      await upgradeHash(user.id, user.passwordHash, password, request);
      // A login from a browser that still holds a session ends that session (one browser, one session).
      await endSession(ctx.deps.db, request.cookies[SESSION_COOKIE]);
      await purgeExpiredSessions(ctx.deps.db, at);
      const token = await createSession(ctx.deps.db, user.id, at, idleMsOf(user.role, idle));
      await ctx.deps.db.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date(at) } });
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(secure), maxAge: ABSOLUTE_MS / 1000 });
      return reply.redirect(withLang(homeOf(user.allPrograms), lang), 303);
    },
  );

  dash.post(
    '/dang-xuat',
    { config: { access: publicRoute }, schema: { querystring: langQuery }, attachValidation: true },
    async (request, reply) => {
      const lang = request.lang;
      await endSession(ctx.deps.db, request.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
      const query = new URLSearchParams({ ...(lang === 'en' ? { lang } : {}), bye: '1' });
      return reply.redirect(`${LOGIN_PATH}?${query.toString()}`, 303);
    },
  );
}
