// Security headers on every response, through @fastify/helmet: nothing loads but the page's own inline
// styles and images, forms post only to the portal, no framing, no referrer (task tokens are in URLs), no
// MIME sniffing. Helmet's other headers are off: the response headers are these and no more. Routes that
// serve stored files replace the CSP with `sandbox` (dashboard/download.ts).
import type { FastifyHelmetOptions } from '@fastify/helmet';

/** @fastify/helmet's options (registered on the root instance: every route, Fastify's own 404 too). */
export const SECURITY_HEADERS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  xFrameOptions: { action: 'deny' },
  xContentTypeOptions: true,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};
