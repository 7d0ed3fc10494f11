import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import { Liquid } from 'liquidjs';
import { TEXT, type Lang } from './i18n';

/** An HTML page is never cached (it may show a task's token and what was sent); its other security headers come with every response (security-headers.ts). */
function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store');
}

export interface PageOptions {
  /** The layout view (default "layout": the agency portal's). */
  layout?: string;
  /** Extra variables for the layout only (e.g. the logged-in user for the dashboard's). */
  layoutVars?: Record<string, unknown>;
}

export type Renderer = (
  reply: FastifyReply,
  status: number,
  view: string,
  lang: Lang,
  vars: Record<string, unknown>,
  options?: PageOptions,
) => Promise<FastifyReply>;

/**
 * Server-rendered pages: LiquidJS views under src/web/views, output HTML-escaped unless marked `raw`
 * (only the layout's already-rendered content is). `t` is the page's words in its language.
 */
export function createRenderer(): Renderer {
  const views = new Liquid({
    root: join(__dirname, 'views'),
    extname: '.liquid',
    outputEscape: 'escape',
    strictVariables: false,
    cache: true,
  });
  return async (reply, status, view, lang, vars, options = {}) => {
    const t = TEXT[lang];
    const content = await views.renderFile(view, { ...vars, t, lang });
    const html = await views.renderFile(options.layout ?? 'layout', {
      lang,
      otherLang: lang === 'vi' ? 'en' : 'vi',
      t,
      title: vars.title ?? vars.heading ?? t.portal,
      content,
      ...options.layoutVars,
    });
    return htmlHeaders(reply.code(status)).send(html);
  };
}
