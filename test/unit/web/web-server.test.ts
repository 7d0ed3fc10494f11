import { redactLinkTokens } from '../../../src/web/log-redaction';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildWebServer } from '../../../src/web/server';
import type { Database } from '../../../src/db/client';
import { portalFailurePage, updateFailureOf } from '../../../src/web/update-failure';
import { refusalFailure } from '../../../src/workflows/refusals';
import { testFiles } from '../../support/files';
import { signTaskToken } from '../../../src/links/task-link';

/** Today's Content-Security-Policy of every page, directive by directive. */
const CSP = [
  "default-src 'none'",
  "base-uri 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** No page may use a camera, microphone, location or any other powerful browser feature. */
const PERMISSIONS = expect.stringMatching(
  /^(?=.*\bcamera=\(\))(?=.*\bmicrophone=\(\))(?=.*\bgeolocation=\(\))(?=.*\bpayment=\(\))(?=.*\busb=\(\))/,
);

/** Headers helmet would add by default and the portal does not send. */
const NOT_SENT = [
  'strict-transport-security',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'x-powered-by',
];

const directives = (csp: unknown) =>
  String(csp)
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);

describe('the web server', () => {
  const files = testFiles();
  let app: FastifyInstance;
  let base: string;
  // A real socket: Fastify's inject (light-my-request) needs the ESM-only `cookie` package, which jest's
  // CommonJS runtime cannot load.
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };

  beforeAll(async () => {
    // No request below reaches the database: a rejected link and unknown paths are answered before it
    // (a request that did would fail on this empty object and show as a 500).
    app = buildWebServer({
      db: {} as Database,
      links: { publicUrl: 'https://phoihop.dienbien.example', secret: 'k'.repeat(64) },
      files,
    });
    app.get('/probe-lang', async (request) => ({ lang: request.lang, portal: request.text.portal }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    files.remove();
  });

  it('reads the language from ?lang= (Vietnamese unless "en") with its words', async () => {
    const probe = async (query: string) => JSON.parse((await get(`/probe-lang${query}`)).body) as unknown;
    expect(await probe('')).toEqual({ lang: 'vi', portal: 'Phối hợp – Cổng tiếp nhận báo cáo' });
    expect(await probe('?lang=en')).toEqual({ lang: 'en', portal: 'Phối hợp – reporting portal' });
    expect(await probe('?lang=fr')).toMatchObject({ lang: 'vi' });
    expect(await probe('?lang=en&lang=en')).toMatchObject({ lang: 'vi' });
  });

  it('sends the strict security headers on a page, and no other of helmet’s', async () => {
    const res = await get('/nhiem-vu/not-a-token?lang=en');
    expect(res.status).toBe(400);
    expect(res.body).toContain('<html lang="en">');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(directives(res.headers['content-security-policy'])).toEqual(CSP);
    expect(res.headers['permissions-policy']).toEqual(PERMISSIONS);
    for (const name of NOT_SENT) expect(res.headers[name]).toBeUndefined();
  });

  /** The strict headers, as every response carries them. */
  function expectStrictHeaders(headers: Record<string, string>) {
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(directives(headers['content-security-policy'])).toEqual(CSP);
    expect(headers['permissions-policy']).toEqual(PERMISSIONS);
    for (const name of NOT_SENT) expect(headers[name]).toBeUndefined();
  }

  it('sends them on Fastify’s own 404 too, on the dashboard’s, and on error replies', async () => {
    const fourOhFour = await get('/no-such-page');
    expect(fourOhFour.status).toBe(404);
    expectStrictHeaders(fourOhFour.headers);
    const dashboard404 = await get('/quan-ly/khong-co');
    expect(dashboard404.status).toBe(404);
    expectStrictHeaders(dashboard404.headers);
    // A URL Fastify cannot decode, a path parameter over its limit or a head over Node's (answered
    // before any hook), a body
    // of a type no route reads, a body too large: errors before any handler runs.
    const badUrl = await get('/nhiem-vu/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expectStrictHeaders(badUrl.headers);
    expect(badUrl.headers['content-type']).toBe('text/html; charset=utf-8');
    const longParam = await get(`/nhiem-vu/${'a'.repeat(2000)}`);
    expect(longParam.status).toBe(414);
    expectStrictHeaders(longParam.headers);
    // A request head over Node's limit: refused by the HTTP parser, answered on the socket.
    const hugeHead = await get(`/nhiem-vu/${'a'.repeat(20_000)}`);
    expect(hugeHead.status).toBe(431);
    expectStrictHeaders(hugeHead.headers);
    const send = async (body: string, type: string) => {
      const res = await fetch(`${base}/nhiem-vu/x`, {
        method: 'POST',
        body,
        headers: { 'content-type': type },
      });
      return { status: res.status, headers: Object.fromEntries(res.headers) };
    };
    const unsupported = await send('<x/>', 'application/xml');
    expect(unsupported.status).toBe(415);
    expectStrictHeaders(unsupported.headers);
    const tooLarge = await send(`a=${'x'.repeat(70 * 1024)}`, 'application/x-www-form-urlencoded');
    expect(tooLarge.status).toBe(413);
    expectStrictHeaders(tooLarge.headers);
  });
});

describe('the web server’s log', () => {
  it('never holds a link token: the token segment of /nhiem-vu/ paths is redacted', async () => {
    const files = testFiles();
    const lines: string[] = [];
    const app = buildWebServer({
      db: {} as Database,
      links: { publicUrl: 'https://phoihop.dienbien.example', secret: 'k'.repeat(64) },
      files,
      logger: true,
      logStream: { write: (line: string) => void lines.push(line) },
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    // A well-formed token (signed with another key, so the portal refuses it before any database read).
    const token = signTaskToken(
      { cycleId: 'cycle:dien-bien-kh99:2027:SOYT', agency: 'SOYT', milestone: 'annual-plan' },
      new Date('2028-01-31T00:00:00Z'),
      'z'.repeat(64),
    );
    try {
      expect((await fetch(`${base}/nhiem-vu/${token}?lang=en`)).status).toBe(403);
      const post = await fetch(`${base}/nhiem-vu/${token}/kien-nghi/1`, {
        method: 'POST',
        body: new URLSearchParams({ status: 'done' }),
      });
      expect(post.status).toBeGreaterThanOrEqual(400);
      // Fastify's own "Route GET:<url> not found" line.
      expect((await fetch(`${base}/nhiem-vu/${token}/khong-co`)).status).toBe(404);
    } finally {
      await app.close();
      files.remove();
    }
    const log = lines.join('');
    expect(log).toContain('"url":"/nhiem-vu/[redacted]?lang=en"');
    expect(log).toContain('"url":"/nhiem-vu/[redacted]/kien-nghi/1"');
    expect(log).toContain('Route GET:/nhiem-vu/[redacted]/khong-co not found');
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]!);
  });

  it("redacts a dashboard user's one-time link token too", () => {
    const token = 'kFrRI7GV9SAi0WGU2gqtuDPzlC9ZMMirmpeaSgcvAs8';
    expect(redactLinkTokens(`/quan-ly/kich-hoat/${token}?lang=en`)).toBe(
      '/quan-ly/kich-hoat/[redacted]?lang=en',
    );
    expect(redactLinkTokens(`Route POST:/quan-ly/kich-hoat/${token} not found`)).not.toContain(token);
  });
});

describe('a failed workflow Update, as a page', () => {
  const words = { endedMessage: 'ended', tryAgain: 'again' };
  const refused = (cause: Error) => new WorkflowUpdateFailedError('Workflow Update failed', cause);

  it('shows a coded refusal in the agency’s words (409)', () => {
    const failure = updateFailureOf(
      refused(refusalFailure({ code: 'reason-required', values: {}, message: 'a reason is required' })),
    );
    expect(failure).toMatchObject({ kind: 'refused', refusal: { code: 'reason-required' } });
    expect(portalFailurePage(failure, 'en', words)).toEqual({
      status: 409,
      message: 'Please give a reason.',
    });
    expect(portalFailurePage(failure, 'vi', words).message).not.toBe('Please give a reason.');
  });

  it('shows an uncoded failure by its message (409)', () => {
    const failure = updateFailureOf(refused(ApplicationFailure.create({ message: 'no such thing' })));
    expect(failure).toEqual({ kind: 'refused', refusal: undefined, message: 'no such thing' });
    expect(portalFailurePage(failure, 'vi', words)).toEqual({ status: 409, message: 'no such thing' });
  });

  it('tells a workflow gone or ended (410) from an outcome nobody knows (503)', () => {
    const gone = updateFailureOf(new WorkflowNotFoundError('not found', 'cycle:x', undefined));
    const ended = updateFailureOf(new Error('Workflow execution already completed'));
    expect(gone).toEqual({ kind: 'ended' });
    expect(ended).toEqual({ kind: 'ended' });
    expect(portalFailurePage(ended, 'vi', words)).toEqual({ status: 410, message: 'ended' });
    const unreachable = new Error('14 UNAVAILABLE: Connection refused');
    const unknown = updateFailureOf(unreachable);
    expect(unknown).toEqual({ kind: 'unknown', error: unreachable });
    expect(portalFailurePage(unknown, 'en', words)).toEqual({ status: 503, message: 'again' });
  });
});
