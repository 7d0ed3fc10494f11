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
import { answerClientError, applySecurityHeaders, registerSecurityHeaders } from './security-headers';
import { TEXT } from './i18n';
import { portalLoggerOptions, type LogStream } from './log-redaction';
import { DASHBOARD_PREFIX } from '../links/dashboard-paths';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './errors';
import type { DashboardConfig } from '../config/dashboard';
import { ReceiptDeliverer, type ReceiptDelivererOptions } from './agency/receipt-deliverer';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type WebConfig } from '../config/web';

/** Largest URL-encoded form body (the login form, the dashboard's actions); a JSON body is held to it too. */
export const FORM_BODY_LIMIT = 64 * 1024;

export interface WebDeps {
  db: Database;
  links: LinkConfig;
  holidaysDir?: string;
  /** Fastify's logger (default: off; the process entry turns it on). Link tokens are redacted. */
  logger?: boolean;
  /** Where the logger writes (default: standard output); tests read it. */
  logStream?: LogStream;
  /** The present instant (tests set a calendar date; default: the clock). */
  now?: () => number;
  /** Submitted files: storage root and upload limits. */
  files: FilesConfig;
  /** Temporal, for submissions and coordinators' actions (pages alone read the database). */
  temporal?: Client;
  /** Folder of the program files the dashboard offers to start (default: programs/, as the worker's). */
  programsDir?: string;
  /** Task queue the dashboard starts cycles on (default: PHOIHOP_TASK_QUEUE, as `phoihop cycle start`). */
  taskQueue?: string;
  /** The coordinators' dashboard's settings (default: from the environment, src/config/dashboard.ts). */
  dashboard?: DashboardConfig;
  /**
   * The wall clock submissions are stamped with (default Date.now; a test on a time-skipping server
   * passes the server's time, the workflow's clock).
   */
  receiptClock?: () => number | Promise<number>;
  /** Delivery of pending submission receipts to the workflows (default on when `temporal` is set). */
  receiptDelivery?: ReceiptDelivererOptions | false;
  /**
   * Proxy trust and timeouts (default: no proxy trusted, so the client's address is the socket's; 300 s
   * to receive a request; 60 s idle per connection). The process entry takes them from the environment.
   */
  web?: Partial<Pick<WebConfig, 'trustProxy' | 'requestTimeoutMs' | 'connectionTimeoutMs'>>;
}

/** What every part of the web server shares: its dependencies and the page renderer. */
export interface WebContext {
  deps: WebDeps;
  page: Renderer;
}

/** Fastify's form of a trust setting: a hop count becomes "trust the first n hops". */
function fastifyTrustProxy(
  trust: WebConfig['trustProxy'],
): boolean | string[] | ((a: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
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
    logger: deps.logger ? portalLoggerOptions(deps.logStream) : false,
    // request.ip (the login throttle's address key) follows X-Forwarded-For only from trusted proxies.
    trustProxy: fastifyTrustProxy(deps.web?.trustProxy ?? false),
    // A client that sends its request slowly, or holds an idle connection, is cut off.
    requestTimeout: deps.web?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    connectionTimeout: deps.web?.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    routerOptions: { maxParamLength: 1024 },
    // A schema checks what was sent as it was sent: no value is turned into a string (or an array) to
    // fit one, so a field of the wrong shape stays wrong and counts as not filled in (agency/schemas.ts).
    ajv: { customOptions: { coerceTypes: false } },
    // A request Node cannot parse, a URL that cannot be decoded, a path parameter too long: answered
    // before any hook, so with the security headers set here (and the portal's error page, for the
    // last two, rather than Fastify's JSON).
    clientErrorHandler: answerClientError,
    frameworkErrors: (err, request, reply) => {
      applySecurityHeaders(reply);
      const t = TEXT.vi;
      void ctx.page(reply, err.statusCode ?? 400, 'error', 'vi', {
        heading: t.submitFailed,
        message: t.badRequest,
      });
    },
  });
  const ctx: WebContext = { deps, page: createRenderer() };

  registerSecurityHeaders(app);
  decorateLanguage(app);
  void app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  // No route takes JSON; a JSON body gets no more room than a form (Fastify's default is 1 MiB).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    app.getDefaultJsonParser('error', 'error'),
  );
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
