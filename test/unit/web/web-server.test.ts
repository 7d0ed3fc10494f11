import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildWebServer } from '../../../src/web/server';
import type { Database } from '../../../src/db/client';
import { portalFailurePage, updateFailureOf } from '../../../src/web/update-failure';
import { refusalFailure } from '../../../src/workflows/refusals';
import { testFiles } from '../../support/files';

/** Today's Content-Security-Policy of every page, directive by directive. */
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

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
    for (const name of NOT_SENT) expect(res.headers[name]).toBeUndefined();
  });

  it('sends them on Fastify’s own 404 too', async () => {
    const res = await get('/no-such-page');
    expect(res.status).toBe(404);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(directives(res.headers['content-security-policy'])).toEqual(CSP);
    for (const name of NOT_SENT) expect(res.headers[name]).toBeUndefined();
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
