// What a dashboard CSRF token is bound to, besides the secret in the phoihop_csrf cookie: the login
// session it was issued in. A token taken from a page of one session (the same browser before a logout
// and another login, or a page of someone else's session) is refused in any other, and a token from the
// login form works only before login. @fastify/csrf-protection checks it (getUserInfo, routes.ts).
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, sessionId } from '../../auth/sessions';

/** The session a request belongs to ("session:<id>"), or "anonymous" without a live session. */
export function csrfBinding(request: FastifyRequest): string {
  const token = request.cookies[SESSION_COOKIE];
  return request.dashboardUser && token ? `session:${sessionId(token)}` : 'anonymous';
}

/** A CSRF token for a form of this response, bound to the request's session. */
export function boundCsrfToken(reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfBinding(reply.request) });
}

/** The key of the token's binding HMAC, derived from the link secret (the same in every portal process). */
export function csrfHmacKey(linkSecret: string): Buffer {
  return createHmac('sha256', linkSecret).update('phoihop dashboard CSRF binding').digest();
}
