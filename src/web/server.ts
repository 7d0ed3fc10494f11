import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import type { LinkConfig } from '../config/links';
import type { FilesConfig } from '../config/files';
import { createRenderer, type Renderer } from './render';
import { agencyPortal } from './agency/portal';
import { dashboard } from './dashboard/routes';
import { decorateLanguage } from './language';
import helmet from '@fastify/helmet';
import { SECURITY_HEADERS } from './security-headers';
import { DASHBOARD_PREFIX } from '../links/dashboard-paths';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './errors';
import type { DashboardConfig } from '../config/dashboard';
import { ReceiptDeliverer, type ReceiptDelivererOptions } from './agency/receipt-deliverer';

export interface WebDeps {
  db: Database;
  links: LinkConfig;
  holidaysDir?: string;
  /** Fastify's logger (default: off; the process entry turns it on). */
  logger?: boolean;
  /** The present instant (tests set a calendar date; default: the clock). */
  now?: () => number;
  /** Submitted files: storage root and upload limits. */
  files: FilesConfig;
  /** Temporal, for submissions and coordinators' actions (pages alone read the database). */
  temporal?: Client;
  /** The coordinators' dashboard's settings (default: from the environment, src/config/dashboard.ts). */
  dashboard?: DashboardConfig;
  /**
   * The wall clock submissions are stamped with (default Date.now; a test on a time-skipping server
   * passes the server's time, the workflow's clock).
   */
  receiptClock?: () => number | Promise<number>;
  /** Delivery of pending submission receipts to the workflows (default on when `temporal` is set). */
  receiptDelivery?: ReceiptDelivererOptions | false;
}

/** What every part of the web server shares: its dependencies and the page renderer. */
export interface WebContext {
  deps: WebDeps;
  page: Renderer;
}

/**
 * The portal's HTTP server: server-rendered pages (LiquidJS, HTML-escaped output), no build step. Shared
 * by everything on it: the security headers (helmet), the body parsers, the reader's language
 * (`request.lang`, `request.text`) and the last-resort error page; the agency portal (src/web/agency)
 * and the coordinators' dashboard (src/web/dashboard, under /quan-ly) are encapsulated plugins on it.
 */
export function buildWebServer(deps: WebDeps): FastifyInstance {
  // A task token is a few hundred characters: room for it in the path, within limits.
  const app = Fastify({
    logger: deps.logger ?? false,
    trustProxy: true,
    routerOptions: { maxParamLength: 1024 },
    // A schema checks what was sent as it was sent: no value is turned into a string (or an array) to
    // fit one, so a field of the wrong shape stays wrong and counts as not filled in (agency/schemas.ts).
    ajv: { customOptions: { coerceTypes: false } },
  });
  const ctx: WebContext = { deps, page: createRenderer() };

  void app.register(helmet, SECURITY_HEADERS);
  decorateLanguage(app);
  void app.register(formbody, { bodyLimit: 64 * 1024 });
  // Uploads (submission attachments, directory files): each route reads its parts with its own limits;
  // these are the ceilings.
  void app.register(multipart, {
    limits: { fileSize: 50 * 1024 * 1024, files: 20, fields: 100, fieldSize: 64 * 1024, parts: 120 },
  });

  app.get('/healthz', async () => 'ok');

  // The portal's last resort (the dashboard has its own, in its plugin): an error page in the reader's
  // language, 503 with Retry-After while the database cannot be reached, never Fastify's JSON.
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const { lang, text: t } = request;
    if (err.statusCode && err.statusCode < 500) {
      return ctx.page(reply, err.statusCode, 'error', lang, {
        heading: t.submitFailed,
        message: t.badRequest,
      });
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return ctx.page(reply, 503, 'error', lang, { heading: t.unavailable, message: t.tryAgain });
    }
    request.log.error(err);
    return ctx.page(reply, 500, 'error', lang, { heading: t.unavailable, message: t.tryAgain });
  });

  if (deps.temporal && deps.receiptDelivery !== false) {
    const deliverer = new ReceiptDeliverer(deps.db, deps.temporal, app.log, deps.receiptDelivery ?? {});
    app.addHook('onReady', async () => deliverer.start());
    app.addHook('onClose', () => deliverer.stop());
  }

  void app.register(agencyPortal, ctx);
  void app.register(dashboard, { ...ctx, prefix: DASHBOARD_PREFIX });

  return app;
}
