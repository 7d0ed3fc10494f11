// Rendering of dashboard pages: the dashboard's layout, its words, the user and the language switch.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Lang } from '../i18n';
import type { WebContext } from '../server';
import { DASH, roleLabel } from './i18n';
import { boundCsrfToken } from './csrf-binding';
import { withLang } from './lang-path';
import { todayCount } from './today';
import { TODAY } from './today-i18n';
import { USERS_WORDS } from './users-i18n';

export { withLang };

/** The same page in the other language. */
function switchUrl(request: FastifyRequest, lang: Lang): string {
  const url = new URL(request.url, 'http://localhost');
  if (lang === 'en') url.searchParams.delete('lang');
  else url.searchParams.set('lang', 'en');
  return `${url.pathname}${url.search}`;
}

/**
 * Renders a dashboard view (src/web/views/dashboard/<view>.liquid) in the dashboard's layout. Views get
 * `d` (the dashboard's words), `lang`, `L` (the "?lang=en" suffix or "") and whatever `vars` holds; the
 * layout shows the user, a logout form with its CSRF token and the language switch.
 */
export async function dashPage(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  view: string,
  vars: Record<string, unknown>,
): Promise<FastifyReply> {
  const lang = request.lang;
  const user = request.dashboardUser ?? null;
  const d = DASH[lang];
  const L = lang === 'en' ? '?lang=en' : '';
  // One token per response, bound to the session (csrf-binding.ts): generateCsrf() sets a new secret
  // cookie each time none came with the request.
  const csrf = boundCsrfToken(reply);
  // The navigation's "Today" entry carries the number of items waiting for this user (today.ts); an
  // error page (the database away) shows the entry without it.
  // Counted over every program: shown only to users whose scope covers every program (the today page is
  // theirs until it filters by scope).
  const waiting =
    user && user.scope.allPrograms && status < 500
      ? await todayCount(
          { db: ctx.deps.db, temporal: ctx.deps.temporal, now: ctx.deps.now },
          user.role,
        ).catch(() => undefined)
      : undefined;
  return ctx.page(
    reply,
    status,
    view,
    lang,
    { d, L, ...vars, csrf },
    {
      layout: 'dashboard/layout',
      layoutVars: {
        d,
        L,
        title: `${String(vars.title ?? d.appName)} – ${d.appName}`,
        user: user
          ? {
              name: user.name,
              login: user.login,
              role: roleLabel(user.role, lang),
              administrator: user.administrator,
              allPrograms: user.scope.allPrograms,
            }
          : null,
        usersLink: USERS_WORDS[lang].link,
        csrf,
        switchUrl: switchUrl(request, lang),
        today: {
          label: TODAY[lang].nav,
          count: waiting,
          countText: waiting === undefined ? '' : TODAY[lang].navCount(waiting),
        },
      },
    },
  );
}

/** The dashboard's error page (403, 404, 503…): a heading and a message; nothing else on it. */
export function errorPage(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  heading: string,
  message: string,
): Promise<FastifyReply> {
  return dashPage(ctx, request, reply, status, 'dashboard/error', { title: heading, heading, message });
}

/**
 * The 400 page of a form whose body is not the page's (a field sent twice, a value of the wrong type in
 * a JSON body): refused before anything is read or recorded.
 */
export function invalidFormPage(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const w = DASH[request.lang];
  return errorPage(ctx, request, reply, 400, w.csrfTitle, w.csrfBody);
}

/** The audit event named by a page's `?ket-qua=<id>` (the outcome of the form just sent), if any. */
export async function flashEventOf(ctx: WebContext, query: { 'ket-qua'?: string }) {
  const id = Number(query['ket-qua']);
  return Number.isInteger(id) && id > 0 ? ctx.deps.db.prisma.auditEvent.findUnique({ where: { id } }) : null;
}

/** The cycle of a `:cycleId` route parameter, with its program, or null. */
export async function cycleOfParam(ctx: WebContext, param: string) {
  const id = Number(param);
  return Number.isInteger(id) && id > 0
    ? ctx.deps.db.prisma.cycle.findUnique({ where: { id }, include: { program: true } })
    : null;
}
