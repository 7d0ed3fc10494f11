// Security headers on every response, through @fastify/helmet: nothing loads but the page's own inline
// styles and images, forms post only to the portal, no <base> element can redirect relative links, no
// framing, no referrer (task tokens are in URLs), no MIME sniffing; and a Permissions-Policy that gives
// no page a camera, microphone, location or other powerful feature. Helmet's other headers are off: the
// response headers are these and no more. Routes that serve stored files replace the CSP with `sandbox`
// (dashboard/download.ts). HSTS is the reverse proxy's (docs/operators.md), where TLS ends.
//
// Fastify answers a URL it cannot decode, or a path parameter over its length limit, before any hook
// runs (its `frameworkErrors`); server.ts sends those with the same headers through helmet itself
// (applySecurityHeaders); and a request Node's parser refuses (a head over its size limit, a broken
// chunked body) is answered on the socket with them too (answerClientError), so that no response goes
// out without them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** Helmet's options: the headers every response carries. */
const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
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

/** @fastify/helmet's options (registered on the root instance: every route, Fastify's own 404 too). */
export const SECURITY_HEADERS = { global: true, ...HELMET_OPTIONS };

/** Browser features no page of the portal uses, each allowed to no origin at all. */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * Registers the headers on the root instance: helmet's and the Permissions-Policy, both set in onRequest
 * hooks of the root, which run for every request (Fastify's own 404 and error replies too).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  void app.register(fastifyHelmet, SECURITY_HEADERS);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    done();
  });
}

const applyHelmet = helmet(HELMET_OPTIONS);

/** Sets the headers on a reply that no hook has run for (Fastify's framework errors). */
export function applySecurityHeaders(reply: FastifyReply): void {
  applyHelmet(reply.request.raw, reply.raw, () => undefined);
  reply.header('permissions-policy', PERMISSIONS_POLICY);
}

/** The headers as lines, for answers written straight to a socket (helmet's, collected once). */
const SOCKET_HEADER_LINES: string = (() => {
  const lines: string[] = [];
  const collector = {
    setHeader: (name: string, value: unknown) => void lines.push(`${name}: ${String(value)}`),
    removeHeader: () => undefined,
  };
  applyHelmet({} as IncomingMessage, collector as unknown as ServerResponse, () => undefined);
  lines.push(`Permissions-Policy: ${PERMISSIONS_POLICY}`);
  return lines.join('\r\n');
})();

/**
 * Fastify's clientErrorHandler: a request Node's HTTP parser could not read gets the status Fastify would
 * give (408 timeout, 431 head too large, 400 otherwise), a short text, and the security headers.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = `${status} ${STATUS_CODES[status] ?? ''}\n`;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\n${SOCKET_HEADER_LINES}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
