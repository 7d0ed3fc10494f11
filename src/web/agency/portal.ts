// The agency portal, an encapsulated Fastify plugin: the task page an email's link opens
// (/nhiem-vu/<token>), the submission from it (fields, figures, attachments), extension requests and
// recommendation reports. No accounts: the signed token scopes every request to one cycle, agency and
// milestone. Its routes declare JSON Schemas and are typed from them (json-schema-to-ts type provider).
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { WebContext } from '../server';
import { portalPages, type PortalPages } from './portal-pages';
import { registerTaskPage } from './show-task';
import { registerSubmission } from './submission';
import { registerExtensionRequest } from './extension-request';
import { registerRecommendationReport } from './recommendation-report';

/** The portal's instance, its routes typed from their schemas. */
export type PortalApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  JsonSchemaToTsProvider
>;

/** What every portal route gets: the web context and the portal's shared pages. */
export interface PortalContext {
  ctx: WebContext;
  pages: PortalPages;
}

export async function agencyPortal(app: FastifyInstance, ctx: WebContext): Promise<void> {
  const portal: PortalContext = { ctx, pages: portalPages(ctx) };
  const typed: PortalApp = app.withTypeProvider<JsonSchemaToTsProvider>();
  registerTaskPage(typed, portal);
  registerSubmission(typed, portal);
  registerExtensionRequest(typed, portal);
  registerRecommendationReport(typed, portal);
}
