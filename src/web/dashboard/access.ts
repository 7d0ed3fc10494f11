// Who may use each dashboard route: ONE declaration per route, checked by ONE hook.
//
// Every route registered on the dashboard's plugin (routes.ts) declares its access in its config:
//
//   dash.get('/chu-ky/:cycleId', { config: { access: onProgramOf(cycleParam, ...READERS) }, … }, handler)
//   dash.post('/chu-ky/:cycleId/ke-hoach-kiem-tra', { config: { access: onProgramOf(cycleParam, 'coordinator') } }, …)
//   dash.get('/', { config: { access: signedIn } }, …)          // lists filter with `scopeOf(request)`
//   dash.get('/danh-ba', { config: { access: onAnyProgram(...READERS) } }, …)
//   dash.post('/danh-ba/nhap', { config: { access: onAllPrograms('coordinator') } }, …)
//   dash.get('/nguoi-dung', { config: { access: administrators } }, …)
//   dash.get('/dang-nhap', { config: { access: publicRoute } }, …)
//
// The declarations:
// - `publicRoute`: anyone (login, logout, the one-time link).
// - `signedIn`: any logged-in user, whatever the role and scope (a page that lists only what the scope covers).
// - `administrators`: users with the administrator flag (user management).
// - `onAnyProgram(...roles)`: the role on at least one program (shared data such as the directory, read).
// - `onAllPrograms(...roles)`: the role on every program (shared data that every program uses, written).
// - `onProgramOf(resolver, ...roles)`: the role on the program of the thing the URL names. The resolver
//   (`cycleParam`, `inspectionParam`, `attachmentParam`, `programCodeParam`, or your own `ProgramResolver`) returns
//   that program's ID, or null when there is no such thing (the route then answers its own 404). A thing
//   outside the user's scope gets the same 404 page as one that does not exist: guessing IDs tells nothing.
//
// The hook (`accessHook`, a preHandler after the CSRF check, before any route handler): no session → a GET
// goes to the login page, anything else gets 403; a role not listed → 403; out of scope → 404. A route
// registered without `config.access` makes the server refuse to start (`requireAccessDeclarations`, an
// onRoute hook), so no route can be forgotten. Handlers read the user's resolved scope with `scopeOf(request)`
// to filter lists (`programFilter(scope)` in a Prisma `where`).
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Role } from '../../auth/users';
import { coversAny, coversProgram, resolveScope, type ResolvedScope } from '../../auth/scopes';
import { SESSION_COOKIE } from '../../auth/sessions';
import type { Database } from '../../db/client';
import { DASHBOARD_PREFIX } from '../../links/dashboard-paths';
import type { WebContext } from '../server';
import { DASH } from './i18n';
import { errorPage } from './page';

/** The program ID of the thing a request's URL names, or null when there is no such thing. */
export type ProgramResolver = (request: FastifyRequest, db: Database) => Promise<number | null>;

export type Access =
  | { kind: 'public' }
  | { kind: 'signedIn' }
  | { kind: 'administrators' }
  | { kind: 'anyProgram'; roles: readonly Role[] }
  | { kind: 'allPrograms'; roles: readonly Role[] }
  | { kind: 'program'; roles: readonly Role[]; programOf: ProgramResolver };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use the route (access.ts); required on every dashboard route. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The user's scope resolved for this request (set by the access hook; read with scopeOf). */
    dashboardScope?: Promise<ResolvedScope>;
  }
}

export const publicRoute: Access = { kind: 'public' };
export const signedIn: Access = { kind: 'signedIn' };
export const administrators: Access = { kind: 'administrators' };

export function onAnyProgram(...roles: Role[]): Access {
  return { kind: 'anyProgram', roles };
}

export function onAllPrograms(...roles: Role[]): Access {
  return { kind: 'allPrograms', roles };
}

export function onProgramOf(programOf: ProgramResolver, ...roles: Role[]): Access {
  return { kind: 'program', roles, programOf };
}

/** A positive integer route parameter, or undefined. */
function idParam(request: FastifyRequest, name: string): number | undefined {
  const raw = (request.params as Record<string, string | undefined>)[name];
  const id = Number(raw);
  return raw !== undefined && /^[0-9]{1,9}$/.test(raw) && id > 0 ? id : undefined;
}

/** The program of the cycle named by `:cycleId`. */
export const cycleParam: ProgramResolver = async (request, db) => {
  const id = idParam(request, 'cycleId');
  if (id === undefined) return null;
  const cycle = await db.prisma.cycle.findUnique({ where: { id }, select: { programId: true } });
  return cycle?.programId ?? null;
};

/** The program of the inspection named by `:inspectionId`. */
export const inspectionParam: ProgramResolver = async (request, db) => {
  const id = idParam(request, 'inspectionId');
  if (id === undefined) return null;
  const inspection = await db.prisma.inspection.findUnique({
    where: { id },
    select: { cycle: { select: { programId: true } } },
  });
  return inspection?.cycle.programId ?? null;
};

/** The program of the submission file named by `:attachmentId`. */
export const attachmentParam: ProgramResolver = async (request, db) => {
  const id = idParam(request, 'attachmentId');
  if (id === undefined) return null;
  const attachment = await db.prisma.attachment.findUnique({
    where: { id },
    select: {
      submission: { select: { obligation: { select: { cycle: { select: { programId: true } } } } } },
    },
  });
  return attachment?.submission.obligation.cycle.programId ?? null;
};

/** The program named by its code in `:code` (the program pages, /chuong-trinh/:code…). */
export const programCodeParam: ProgramResolver = async (request, db) => {
  const code = (request.params as Record<string, string | undefined>).code;
  if (!code) return null;
  const program = await db.prisma.program.findUnique({ where: { code }, select: { id: true } });
  return program?.id ?? null;
};

/** The logged-in user's scope, resolved once per request (every program when nobody is logged in: unused). */
export function scopeOf(request: FastifyRequest, db: Database): Promise<ResolvedScope> {
  const user = request.dashboardUser;
  if (!user) return Promise.resolve({ all: false, programIds: new Set() });
  request.dashboardScope ??= resolveScope(db, user.scope);
  return request.dashboardScope;
}

/**
 * The onRoute hook that refuses a dashboard route without an access declaration: registering it throws, so
 * the server does not start (the message names the route).
 */
export function requireAccessDeclarations(dash: FastifyInstance): void {
  dash.addHook('onRoute', (route: RouteOptions) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access || typeof access !== 'object' || !('kind' in access)) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
      throw new Error(
        `dashboard route ${methods} ${route.url} declares no access: add config: { access: … } (src/web/dashboard/access.ts)`,
      );
    }
  });
}

/** The access hook: runs each route's declaration before its handler (see the top of this file). */
export function accessHook(ctx: WebContext) {
  return async function checkAccess(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    if (request.is404) return;
    const lang = request.lang;
    const w = DASH[lang];
    const access = request.routeOptions.config.access;
    // Unreachable (requireAccessDeclarations), but a route without a declaration is never open.
    if (!access) return errorPage(ctx, request, reply, 403, w.forbidden, w.forbiddenBody);
    if (access.kind === 'public') return;
    const user = request.dashboardUser;
    if (!user) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        // "het" (hết phiên): the cookie named a session that has ended; the login page says so.
        const ended = Boolean(request.cookies[SESSION_COOKIE]);
        const next = new URLSearchParams({
          ...(lang === 'en' ? { lang } : {}),
          ...(ended ? { het: '1' } : {}),
        });
        const query = next.toString();
        const login = `${DASHBOARD_PREFIX}/dang-nhap`;
        return reply.redirect(query ? `${login}?${query}` : login, 303);
      }
      return errorPage(ctx, request, reply, 403, w.forbidden, w.sessionEnded);
    }
    if (access.kind === 'signedIn') return;
    if (access.kind === 'administrators') {
      return user.administrator
        ? undefined
        : errorPage(ctx, request, reply, 403, w.forbidden, w.forbiddenBody);
    }
    if (!access.roles.includes(user.role)) {
      return errorPage(ctx, request, reply, 403, w.forbidden, w.forbiddenBody);
    }
    const scope = await scopeOf(request, ctx.deps.db);
    if (access.kind === 'anyProgram') {
      return coversAny(scope) ? undefined : errorPage(ctx, request, reply, 403, w.forbidden, w.forbiddenBody);
    }
    if (access.kind === 'allPrograms') {
      return scope.all ? undefined : errorPage(ctx, request, reply, 403, w.forbidden, w.forbiddenBody);
    }
    const programId = await access.programOf(request, ctx.deps.db);
    // No such thing: the route answers its own "not found". Out of scope: the same page, so that a guessed
    // ID says nothing of what exists.
    if (programId === null || coversProgram(scope, programId)) return;
    request.log.warn({ login: user.login, programId, url: request.url }, 'dashboard: out of scope');
    return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
  };
}
