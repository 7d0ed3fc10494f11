// The coordinators' dashboard under /quan-ly: login, cycles, the matrix, agency pages, actions,
// downloads, exports and the directory. See auth.ts for how further pages plug in (roles, sessions, CSRF).
import { randomUUID } from 'node:crypto';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { WebContext } from '../server';
import { dashboardConfigFromEnv, temporalWorkflowUrl, type DashboardConfig } from '../../config/dashboard';
import {
  cookieOptions,
  CSRF_COOKIE,
  currentUser,
  DASHBOARD_PREFIX,
  loadSession,
  READERS,
  registerLoginRoutes,
} from './auth';
import { accessHook, cycleParam, onProgramOf, requireAccessDeclarations, scopeOf, signedIn } from './access';
import { actionLabel, DASH, stateLabel, CELL_STATES } from './i18n';
import { storedRefusalText } from '../../i18n/refusals';
import { dashPage, errorPage, flashEventOf, withLang } from './page';
import { filterQuery, loadCycles, loadMatrixView, parseFilters } from './matrix';
import { exportLinks, registerExportRoutes } from './exports';
import { loadAgencyView } from './agency-page';
import { registerTaskLinkRoutes, TASK_LINK_REVOKE } from './task-links';
import { registerActionRoutes } from './actions';
import { registerDownloadRoute } from './download';
import { registerDirectoryRoutes } from './directory';
import { INSPECT } from './inspection-i18n';
import { registerInspectionRoutes } from './inspections';
import { registerInspectionPlanRoutes } from './inspection-plan';
import { registerProgramRoutes } from './programs';
import { registerTodayRoutes } from './today-routes';
import { cycleCancelPath, CYCLE_START_PATH, registerCycleStartRoutes } from './cycle-start';
import { CYCLE_CANCEL, CYCLE_START } from './cycle-start-i18n';
import { registerScheduleRoutes } from './schedules';
import { registerUserRoutes } from './users';
import { registerAccountRoutes } from './account';
import { PLAN } from './inspection-plan-i18n';
import { multipartCsrfToken } from './directory-upload';
import { csrfBinding, csrfHmacKey } from './csrf-binding';
import { SESSION_COOKIE } from '../../auth/sessions';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../errors';
import {
  cycleAgencyParams,
  cycleParams,
  flashQuery,
  invalidPart,
  langQuery,
  matrixQuery,
  pageQuery,
} from './schemas';

/** The dashboard's instance, its routes typed from their schemas (schemas.ts). */
export type DashboardApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  JsonSchemaToTsProvider
>;

/**
 * The dashboard, an encapsulated plugin (registered under /quan-ly): its own cookies, CSRF, session hook,
 * error and not-found pages.
 */
export async function dashboard(dash: FastifyInstance, options: WebContext): Promise<void> {
  const ctx: WebContext = { deps: options.deps, page: options.page };
  const config: DashboardConfig = ctx.deps.dashboard ?? dashboardConfigFromEnv();
  const secure = ctx.deps.links.publicUrl.startsWith('https:');
  if (!dash.hasDecorator('parseCookie')) await dash.register(cookie);
  await dash.register(csrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: cookieOptions(secure),
    getToken: (req) => (req.body as { _csrf?: string } | undefined)?._csrf ?? multipartCsrfToken(req),
    // A token is valid only in the session it was issued in (csrf-binding.ts); the session hook below
    // runs first, as an onRequest hook, so the session is known when a token is checked.
    getUserInfo: csrfBinding,
    csrfOpts: { userInfo: true, hmacKey: csrfHmacKey(ctx.deps.links.secret) },
  });
  dash.decorateRequest('dashboardUser', null);
  dash.addHook('onRequest', loadSession(ctx, secure));
  // Every POST (the login form included) carries the form's CSRF token, checked before any handler;
  // a multipart upload to a route marked `multipartCsrf` is checked by the route once its fields are
  // read, before it acts (directory-upload.ts); any other multipart POST fails here (no token).
  dash.addHook('preHandler', (request, reply, done) => {
    const checkedByRoute = request.routeOptions.config.multipartCsrf === true && request.isMultipart();
    if (request.method === 'POST' && !checkedByRoute) dash.csrfProtection(request, reply, done);
    else done();
  });
  // Then each route's access declaration (access.ts), before any handler; a route without one stops the start.
  dash.addHook('preHandler', accessHook(ctx));
  requireAccessDeclarations(dash);
  dash.setErrorHandler(async (err: FastifyError, request, reply) => {
    const w = DASH[request.lang];
    if (err.code === 'FST_CSRF_MISSING_SECRET' || err.code === 'FST_CSRF_INVALID_TOKEN') {
      // A form posted after its session ended fails the token's session binding: say the session ended.
      if (request.cookies[SESSION_COOKIE] && !currentUser(request)) {
        return errorPage(ctx, request, reply, 403, w.forbidden, w.sessionEnded);
      }
      return errorPage(ctx, request, reply, 403, w.csrfTitle, w.csrfBody);
    }
    if (err.statusCode && err.statusCode < 500) {
      return errorPage(ctx, request, reply, err.statusCode, w.badRequest, err.message);
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return errorPage(ctx, request, reply, 503, w.unavailable, w.dbUnavailableBody);
    }
    request.log.error(err);
    return errorPage(ctx, request, reply, 500, w.unavailable, w.unavailableBody);
  });
  dash.setNotFoundHandler(async (request, reply) => {
    const w = DASH[request.lang];
    return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
  });

  const app: DashboardApp = dash.withTypeProvider<JsonSchemaToTsProvider>();
  registerLoginRoutes(app, ctx, secure);

  const readers = { config: { access: onProgramOf(cycleParam, ...READERS) }, attachValidation: true };
  // Every signed-in user: the list shows the cycles of the programs the user's scope covers.
  const home = { config: { access: signedIn }, attachValidation: true };
  app.get('/', { ...home, schema: { querystring: langQuery } }, async (request, reply) => {
    const lang = request.lang;
    const cycles = await loadCycles(ctx.deps.db, lang, await scopeOf(request, ctx.deps.db));
    return dashPage(ctx, request, reply, 200, 'dashboard/cycles', {
      title: DASH[lang].cycles,
      cycles,
      startUrl: currentUser(request)?.role === 'coordinator' ? withLang(CYCLE_START_PATH, lang) : undefined,
      startLink: CYCLE_START[lang].nav,
    });
  });

  app.get(
    '/chu-ky/:cycleId',
    { ...readers, schema: { params: cycleParams, querystring: matrixQuery } },
    async (request, reply) => {
      const lang = request.lang;
      const w = DASH[lang];
      const cycleId = Number(request.params.cycleId);
      const filters = parseFilters(pageQuery(request, request.query));
      const view =
        invalidPart(request) === 'params'
          ? undefined
          : await loadMatrixView(ctx.deps.db, cycleId, filters, lang);
      if (!view) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      const pageUrl = (page: number) =>
        `${DASHBOARD_PREFIX}/chu-ky/${cycleId}${filterQuery(filters, lang, page)}`;
      return dashPage(ctx, request, reply, 200, 'dashboard/matrix', {
        title: `${w.matrix} ${view.cycle.year}`,
        ...view,
        filters,
        filtered: Boolean(filters.state || filters.group || filters.q),
        shownText: w.shown(view.rows.length, view.total),
        previousUrl: view.page > 1 ? pageUrl(view.page - 1) : undefined,
        nextUrl: view.page < view.pages ? pageUrl(view.page + 1) : undefined,
        exports: exportLinks(cycleId, filters, lang),
        legend: CELL_STATES.map((s) => ({ state: s, label: stateLabel(s, lang) })),
        inspectionsLink: INSPECT[lang].inspections,
        planLink: PLAN[lang].link,
        cancelUrl:
          currentUser(request)?.role === 'coordinator' &&
          (view.cycle.status === 'running' || view.cycle.status === 'planned')
            ? withLang(cycleCancelPath(cycleId), lang)
            : undefined,
        cancelLink: CYCLE_CANCEL[lang].link,
      });
    },
  );

  app.get(
    '/chu-ky/:cycleId/don-vi/:code',
    { ...readers, schema: { params: cycleAgencyParams, querystring: flashQuery } },
    async (request, reply) => {
      const lang = request.lang;
      const w = DASH[lang];
      const cycleId = Number(request.params.cycleId);
      const view =
        invalidPart(request) === 'params'
          ? undefined
          : await loadAgencyView(ctx.deps.db, cycleId, request.params.code, lang);
      if (!view) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      const user = currentUser(request)!;
      const flashEvent = await flashEventOf(ctx, pageQuery(request, request.query));
      let flash: { kind: 'done' | 'refused'; text: string } | undefined;
      if (flashEvent?.action === TASK_LINK_REVOKE && flashEvent.subject.startsWith(`${view.workflowId}:`)) {
        const { recipient } = (flashEvent.details ?? {}) as { recipient?: string };
        flash = { kind: 'done', text: w.linkRevoked(recipient ?? '') };
      } else if (flashEvent && flashEvent.subject.startsWith(`${view.workflowId}:`)) {
        const details = (flashEvent.details ?? {}) as { outcome?: string };
        const milestone = view.milestones.find((m) => `${view.workflowId}:${m.key}` === flashEvent.subject);
        const what = `${actionLabel(flashEvent.action.replace(/^obligation\./, ''), lang)} – ${milestone?.title ?? ''}`;
        flash =
          details.outcome === 'refused'
            ? {
                kind: 'refused',
                text: `${w.refused}: ${what}. ${storedRefusalText(flashEvent.details, lang) ?? ''}`,
              }
            : { kind: 'done', text: `${w.done}: ${what}.` };
      }
      const canAct = user.role === 'coordinator' && Boolean(ctx.deps.temporal) && !view.cycle.closed;
      return dashPage(ctx, request, reply, 200, 'dashboard/agency', {
        title: `${view.agency.name} – ${view.cycle.year}`,
        ...view,
        flash,
        canAct,
        readOnly: user.role !== 'coordinator' && !view.cycle.closed,
        closedNote: view.cycle.closed ? w.cycleClosedNote : undefined,
        temporalUrl: temporalWorkflowUrl(config, view.workflowId),
        matrixUrl: withLang(`${DASHBOARD_PREFIX}/chu-ky/${cycleId}`, lang),
        actionBase: `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/don-vi/${encodeURIComponent(view.agency.code)}`,
        linkBase: `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/don-vi/${encodeURIComponent(view.agency.code)}/lien-ket`,
        canRevoke: user.role === 'coordinator',
        links: view.links.map((l) => ({
          ...l,
          resendKey: canAct && l.resendable ? randomUUID() : undefined,
        })),
        milestones: view.milestones.map((m) => ({
          ...m,
          forms: canAct
            ? m.actions.map((a) => ({ action: a, label: actionLabel(a, lang), key: randomUUID() }))
            : [],
        })),
      });
    },
  );

  registerActionRoutes(app, ctx);
  registerTaskLinkRoutes(app, ctx);
  registerDownloadRoute(app, ctx);
  registerExportRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerInspectionRoutes(app, ctx);
  registerInspectionPlanRoutes(app, ctx);
  registerProgramRoutes(app, ctx);
  registerTodayRoutes(app, ctx);
  registerCycleStartRoutes(app, ctx);
  registerScheduleRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
}
