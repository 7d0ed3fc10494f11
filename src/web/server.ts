import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Liquid } from 'liquidjs';
import type { Database } from '../db/client';
import type { LinkConfig } from '../config/links';
import { TaskLinkError, verifyTaskToken, type TaskLinkProblem } from '../links/task-link';
import { PROJECT_HOLIDAY_DIR } from '../calendar/load';
import { pickLang, TEXT, type Lang } from './i18n';
import { loadTaskView } from './task-page';
import { localDate } from '../cycle/clock';

export interface WebDeps {
  db: Database;
  links: LinkConfig;
  holidaysDir?: string;
  /** Fastify's logger (default: off; the process entry turns it on). */
  logger?: boolean;
  /** The present instant (tests set a calendar date; default: the clock). */
  now?: () => number;
}

/** HTTP status per link problem: a link that was never valid, or no longer is. */
const PROBLEM_STATUS: Record<TaskLinkProblem, number> = {
  malformed: 400,
  'bad-signature': 403,
  expired: 410,
  'wrong-scope': 403,
};

/**
 * The portal's HTTP server: server-rendered pages (LiquidJS, HTML-escaped output), no build step. For now
 * the task page an email's link opens; submission and the coordinators' dashboard come next.
 */
export function buildWebServer(deps: WebDeps): FastifyInstance {
  const views = new Liquid({
    root: join(__dirname, 'views'),
    extname: '.liquid',
    outputEscape: 'escape',
    strictVariables: false,
    cache: true,
  });
  // A task token is a few hundred characters: room for it in the path, within limits.
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: true,
    routerOptions: { maxParamLength: 1024 },
  });

  async function page(
    reply: FastifyReply,
    status: number,
    view: string,
    lang: Lang,
    vars: Record<string, unknown>,
  ): Promise<FastifyReply> {
    const t = TEXT[lang];
    const content = await views.renderFile(view, { ...vars, t, lang });
    const html = await views.renderFile('layout', {
      lang,
      otherLang: lang === 'vi' ? 'en' : 'vi',
      t,
      title: vars.title ?? vars.heading ?? t.portal,
      content,
    });
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer') // the token is in the URL: never leak it to other sites
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .send(html);
  }

  app.get('/healthz', async () => 'ok');

  app.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      let scope;
      try {
        scope = verifyTaskToken(request.params.token, deps.links.secret);
      } catch (err) {
        if (!(err instanceof TaskLinkError)) throw err;
        return page(reply, PROBLEM_STATUS[err.problem], 'error', lang, {
          heading: t.linkProblem,
          message: t.problems[err.problem],
        });
      }
      const view = await loadTaskView(deps.db, scope, lang, {
        holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
        today: localDate((deps.now ?? Date.now)()),
      });
      if (!view) return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });
      return page(reply, 200, 'task', lang, { ...view, title: view.heading });
    },
  );

  return app;
}
