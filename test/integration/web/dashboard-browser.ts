// A minimal browser for dashboard tests: keeps the site's cookies, reads a page's CSRF token, posts forms
// (URL-encoded or multipart) and logs in through the real login form; and the tests' users.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../../src/db/client';
import { addUser } from '../../../src/auth/users';

export class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      if (rest.join('=')) this.cookies.set(name!.trim(), rest.join('='));
      else this.cookies.delete(name!.trim());
    }
    return res;
  }

  /** A page that must answer 200. */
  async html(path: string): Promise<string> {
    const res = await this.fetch(path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return res.text();
  }

  /** The first CSRF token of a page. */
  static csrfOf(html: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error('no CSRF field on the page');
    return token;
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, { method: 'POST', body: new URLSearchParams(fields) });
  }

  /** A multipart form: text fields and files (name → [file name, bytes]). */
  postMultipart(
    path: string,
    fields: Record<string, string>,
    files: Record<string, [string, Uint8Array]> = {},
  ): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const [name, [fileName, bytes]] of Object.entries(files)) {
      form.append(name, new Blob([bytes]), fileName);
    }
    return this.fetch(path, { method: 'POST', body: form });
  }

  async login(login: string, password: string): Promise<void> {
    const _csrf = Browser.csrfOf(await this.html('/quan-ly/dang-nhap'));
    const res = await this.post('/quan-ly/dang-nhap', { _csrf, login, password });
    if (res.status !== 303) throw new Error(`login ${login}: ${res.status}`);
  }
}

/** The dashboard users of the tests. */
export const USERS = {
  coordinator: { login: 'huong', name: 'Lò Thị Hương', role: 'coordinator', password: 'Mường Thanh 2027' },
  viewer: { login: 'xem', name: 'Quàng Văn Xem', role: 'viewer', password: 'chỉ xem thôi nhé' },
} as const;

/** Starts the web server on a free local port; returns its base URL. */
export async function listening(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Creates the user and returns a browser logged in as them. */
export async function loggedIn(
  base: string,
  db: Database,
  user: (typeof USERS)[keyof typeof USERS],
): Promise<Browser> {
  await addUser(db, user);
  const browser = new Browser(base);
  await browser.login(user.login, user.password);
  return browser;
}
