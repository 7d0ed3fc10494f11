// Keeps link tokens out of the portal's logs (a dashboard user's one-time link /quan-ly/kich-hoat/<token>
// too). A task link's token is the agency's whole credential (it
// is in the URL: /nhiem-vu/<token>, /nhiem-vu/<token>/kien-nghi/1 …), so the request serializer of the
// Fastify logger writes the path with that segment replaced, and every logged message string (Fastify's
// "Route GET:/nhiem-vu/… not found", for one) is rewritten the same way before it is written.
import type { FastifyLoggerOptions, FastifyRequest, FastifyServerOptions } from 'fastify';

/** Fastify's logger options (its own and pino's). */
export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;
/** Where log lines go. */
export type LogStream = NonNullable<FastifyLoggerOptions['stream']>;

/** The path segment after a route prefix that carries a link token (an agency's task link, a user's one-time link). */
const TOKEN_SEGMENT = /(\/(?:nhiem-vu|kich-hoat)\/)[^/?#\s"']+/g;

export const REDACTED = '[redacted]';

/** The text with every link token of a portal path replaced by "[redacted]". */
export function redactLinkTokens(text: string): string {
  return text.replace(TOKEN_SEGMENT, `$1${REDACTED}`);
}

/** Fastify's default request serializer, with the URL redacted. */
function requestValue(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactLinkTokens(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket ? request.socket.remotePort : undefined,
  };
}

/** The portal's logger options (pino's, as Fastify takes them); `stream`: where lines go (stdout). */
export function portalLoggerOptions(stream?: LogStream): LoggerOptions {
  return {
    serializers: { req: requestValue as never },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg: unknown) => (typeof arg === 'string' ? redactLinkTokens(arg) : arg));
        return method.apply(this, redacted as Parameters<typeof method>);
      },
    },
    ...(stream ? { stream } : {}),
  };
}
