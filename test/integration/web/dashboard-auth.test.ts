import { randomBytes, scryptSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { runPhoihop, type CliRun } from '../../support/cli';
import { testFiles } from '../../support/files';
import { TEST_LINKS } from '../../support/worker';
import { buildWebServer } from '../../../src/web/server';
import { sessionId } from '../../../src/auth/sessions';

/** A browser's cookies for one site (enough for these tests: name → value, paths ignored). */
class Browser {
  cookies = new Map<string, string>();
  lastSetCookies: string[] = [];
  constructor(private readonly base: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return res;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The CSRF token of the page at `path` (its hidden `_csrf` field). */
  async csrf(path: string): Promise<string> {
    const html = await (await this.fetch(path)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF field on ${path}`);
    return token;
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, { method: 'POST', body: new URLSearchParams(fields) });
  }

  async login(login: string, password: string): Promise<Response> {
    const _csrf = await this.csrf('/quan-ly/dang-nhap');
    return this.post('/quan-ly/dang-nhap', { _csrf, login, password });
  }
}

/**
 * Dashboard accounts and sessions, end to end: users created with the real CLI (a separate process), the
 * login form over HTTP with CSRF, the session cookie, lockout, timeouts, logout and disabling.
 */
describe('dashboard login and sessions', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  const files = testFiles();
  let clock = Date.now();

  function phoihop(args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<CliRun> {
    return runPhoihop(args, { DATABASE_URL: database.url, ...extraEnv }, { input });
  }

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'dashboard_auth');
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => clock,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    files.remove();
    await database?.drop();
  });

  it('creates users with the CLI (password from the environment or standard input), refusing bad input', async () => {
    const add = await phoihop(
      ['user', 'add', '--login', 'Huong.LT', '--name', 'Lò Thị Hương', '--role', 'coordinator'],
      { PHOIHOP_NEW_PASSWORD: 'Mường Thanh 2027' },
    );
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toContain('huong.lt (coordinator), Lò Thị Hương');
    const viewer = await phoihop(
      ['user', 'add', '--login', 'xem', '--name', 'Quàng Văn Xem', '--role', 'viewer'],
      {},
      'mật khẩu của người xem\n',
    );
    expect(viewer).toMatchObject({ code: 0 });

    const refusals: [string[], Record<string, string>, string][] = [
      [
        ['--login', 'ngan', '--name', 'N', '--role', 'viewer'],
        { PHOIHOP_NEW_PASSWORD: 'short' },
        'at least 10 characters',
      ],
      [
        ['--login', 'vai-tro', '--name', 'V', '--role', 'admin'],
        { PHOIHOP_NEW_PASSWORD: 'đủ dài rồi nhé' },
        '"admin" is not a role',
      ],
      [
        ['--login', 'huong.lt', '--name', 'H', '--role', 'viewer'],
        { PHOIHOP_NEW_PASSWORD: 'đủ dài rồi nhé' },
        'already exists',
      ],
      [
        ['--login', 'bad login', '--name', 'B', '--role', 'viewer'],
        { PHOIHOP_NEW_PASSWORD: 'đủ dài rồi nhé' },
        'is not a valid login',
      ],
      [['--login', 'khong-mk', '--name', 'K', '--role', 'viewer'], {}, 'no password given'],
    ];
    for (const [args, env, message] of refusals) {
      const run = await phoihop(['user', 'add', ...args], env);
      expect({ code: run.code, says: run.stderr.includes(message), stderr: run.stderr }).toMatchObject({
        code: 1,
        says: true,
      });
      expect(run.stderr).toContain('nothing changed');
    }
    const list = await phoihop(['user', 'list', '--json']);
    expect(list.code).toBe(0);
    const users = JSON.parse(list.stdout) as { login: string; role: string; disabled: boolean }[];
    expect(users.map((u) => [u.login, u.role, u.disabled])).toEqual([
      ['huong.lt', 'coordinator', false],
      ['xem', 'viewer', false],
    ]);
    const stored = await database.db.prisma.user.findUniqueOrThrow({ where: { login: 'huong.lt' } });
    expect(stored.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored.passwordHash).not.toContain('Mường');
  });

  it('sends a visitor without a session to the login page, in Vietnamese or English', async () => {
    const b = new Browser(base);
    const res = await b.fetch('/quan-ly');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/quan-ly/dang-nhap');
    expect((await b.fetch('/quan-ly/chu-ky/1?lang=en')).headers.get('location')).toBe(
      '/quan-ly/dang-nhap?lang=en',
    );
    const page = await b.fetch('/quan-ly/dang-nhap');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Tên đăng nhập');
    expect(html).toContain('Mật khẩu');
    const en = await (await b.fetch('/quan-ly/dang-nhap?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Password');
    expect(en).toContain('action="/quan-ly/dang-nhap?lang=en"');
  });

  it('logs in the CLI-created user with a session cookie that is HttpOnly, SameSite=Lax, Path=/quan-ly and Secure', async () => {
    const b = new Browser(base);
    const res = await b.login('HUONG.LT', 'Mường Thanh 2027');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/quan-ly/hom-nay');
    const cookie = b.lastSetCookies.find((c) => c.startsWith('phoihop_session='))!;
    expect(cookie).toBeDefined();
    const token = /^phoihop_session=([^;]+)/.exec(cookie)![1]!;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\/quan-ly/);
    expect(cookie).toMatch(/; Secure/);
    // Only the token's sha256 is stored.
    const sessions = await database.db.prisma.webSession.findMany();
    expect(sessions.map((s) => s.id)).toEqual([sessionId(token)]);
    expect(sessions[0]!.id).not.toContain(token);

    const home = await b.fetch('/quan-ly');
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Lò Thị Hương');
    expect(html).toContain('Điều phối viên');
    expect(html).toContain('Chưa có chu trình nào.');
    expect(
      (await database.db.prisma.user.findUniqueOrThrow({ where: { login: 'huong.lt' } })).lastLoginAt,
    ).not.toBeNull();
  });

  it('refuses a wrong password and an unknown login with the same message, and makes no session', async () => {
    const before = await database.db.prisma.webSession.count();
    for (const [login, password] of [
      ['huong.lt', 'Mường Thanh 2028'],
      ['khong-co-ai', 'Mường Thanh 2027'],
    ]) {
      const res = await new Browser(base).login(login!, password!);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
      expect(html).not.toContain('Đăng xuất');
    }
    expect(await database.db.prisma.webSession.count()).toBe(before);
  });

  it('refuses a login form without a valid CSRF token (403), even with the right password', async () => {
    const b = new Browser(base);
    await b.csrf('/quan-ly/dang-nhap'); // the secret cookie, but no token in the form
    const missing = await b.post('/quan-ly/dang-nhap', { login: 'huong.lt', password: 'Mường Thanh 2027' });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('Biểu mẫu không hợp lệ');
    const wrong = await b.post('/quan-ly/dang-nhap', {
      _csrf: 'x'.repeat(40),
      login: 'huong.lt',
      password: 'Mường Thanh 2027',
    });
    expect(wrong.status).toBe(403);
    // A token from another browser (another secret) does not pass either.
    const other = await new Browser(base).csrf('/quan-ly/dang-nhap');
    const stolen = await b.post('/quan-ly/dang-nhap', {
      _csrf: other,
      login: 'huong.lt',
      password: 'Mường Thanh 2027',
    });
    expect(stolen.status).toBe(403);
    expect(b.cookies.has('phoihop_session')).toBe(false);
  });

  it('locks a login for 15 minutes after 5 failures, even with the right password; other logins are not affected', async () => {
    await phoihop(
      ['user', 'add', '--login', 'trang', '--name', 'Nguyễn Thị Thu Trang', '--role', 'inspector'],
      {
        PHOIHOP_NEW_PASSWORD: 'Pá Khoang 2027',
      },
    );
    for (let i = 0; i < 5; i++) {
      expect((await new Browser(base).login('trang', `sai mật khẩu ${i}`)).status).toBe(401);
    }
    const locked = await new Browser(base).login('trang', 'Pá Khoang 2027');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(await locked.text()).toContain(
      'Tài khoản này tạm thời bị khóa vì đăng nhập sai nhiều lần. Vui lòng thử lại sau 15 phút, hoặc nhờ điều phối viên mở khóa.',
    );
    clock += 60_000;
    const enBrowser = new Browser(base);
    const _csrf = await enBrowser.csrf('/quan-ly/dang-nhap?lang=en');
    const lockedEn = await enBrowser.post('/quan-ly/dang-nhap?lang=en', {
      _csrf,
      login: 'trang',
      password: 'Pá Khoang 2027',
    });
    expect(lockedEn.status).toBe(429);
    expect(await lockedEn.text()).toContain(
      'Please try again in 14 minutes, or ask a coordinator to unlock it.',
    );
    expect((await new Browser(base).login('xem', 'mật khẩu của người xem')).status).toBe(303);
    clock += 14 * 60_000;
    expect((await new Browser(base).login('trang', 'Pá Khoang 2027')).status).toBe(303);
  });

  it('shares the lock between two portal processes on one database and keeps it across a restart; the CLI unlocks it', async () => {
    const second = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => clock,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    const secondBase = await second
      .listen({ host: '127.0.0.1', port: 0 })
      .then(() => `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`);
    try {
      for (let i = 0; i < 3; i++)
        expect((await new Browser(base).login('trang', `sai ${i}`)).status).toBe(401);
      for (let i = 3; i < 5; i++) {
        expect((await new Browser(secondBase).login('trang', `sai ${i}`)).status).toBe(401);
      }
      expect((await new Browser(base).login('trang', 'Pá Khoang 2027')).status).toBe(429);
      expect((await new Browser(secondBase).login('trang', 'Pá Khoang 2027')).status).toBe(429);
    } finally {
      await second.close();
    }
    // A restart (a new server on the same database) still refuses.
    const restarted = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => clock,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    await restarted.listen({ host: '127.0.0.1', port: 0 });
    try {
      const restartedBase = `http://127.0.0.1:${(restarted.server.address() as AddressInfo).port}`;
      expect((await new Browser(restartedBase).login('trang', 'Pá Khoang 2027')).status).toBe(429);
      const unlock = await phoihop(['user', 'unlock', '--login', 'TRANG']);
      expect(unlock).toMatchObject({ code: 0 });
      expect(unlock.stdout).toContain('login unlocked: trang');
      expect((await new Browser(restartedBase).login('trang', 'Pá Khoang 2027')).status).toBe(303);
    } finally {
      await restarted.close();
    }
    expect((await phoihop(['user', 'unlock'])).code).toBe(1);
  });

  it('upgrades a hash made with the former work factors at the next login', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('Tuần Giáo 2027', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    await database.db.prisma.user.create({
      data: { login: 'cu', name: 'Lường Văn Cũ', role: 'viewer', passwordHash: old },
    });
    expect((await new Browser(base).login('cu', 'Tuần Giáo 2027')).status).toBe(303);
    const upgraded = (await database.db.prisma.user.findUniqueOrThrow({ where: { login: 'cu' } }))
      .passwordHash;
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await new Browser(base).login('cu', 'Tuần Giáo 2027')).status).toBe(303);
  });

  it('ends the session already in the cookie when the browser logs in again', async () => {
    const b = new Browser(base);
    expect((await b.login('xem', 'mật khẩu của người xem')).status).toBe(303);
    const first = b.cookies.get('phoihop_session')!;
    // The login form posted again from a logged-in browser (its token is bound to the current session).
    const _csrf = await b.csrf('/quan-ly');
    expect(
      (await b.post('/quan-ly/dang-nhap', { _csrf, login: 'xem', password: 'mật khẩu của người xem' }))
        .status,
    ).toBe(303);
    expect(b.cookies.get('phoihop_session')).not.toBe(first);
    expect(await database.db.prisma.webSession.findUnique({ where: { id: sessionId(first) } })).toBeNull();
    const stale = await fetch(`${base}/quan-ly`, {
      headers: { cookie: `phoihop_session=${first}` },
      redirect: 'manual',
    });
    expect(stale.status).toBe(303);
    expect((await b.fetch('/quan-ly')).status).toBe(200);
  });

  it('takes the client address from the socket unless a proxy is trusted by configuration', async () => {
    const failFrom = async (target: string) => {
      const b = new Browser(target);
      const _csrf = await b.csrf('/quan-ly/dang-nhap');
      return b.fetch('/quan-ly/dang-nhap', {
        method: 'POST',
        headers: { 'x-forwarded-for': '203.0.113.7' },
        body: new URLSearchParams({ _csrf, login: 'khach', password: 'sai mật khẩu' }),
      });
    };
    await database.db.prisma.loginFailureCount.deleteMany();
    expect((await failFrom(base)).status).toBe(401);
    const keys = async () =>
      (await database.db.prisma.loginFailureCount.findMany())
        .map((r) => r.key)
        .filter((k) => k.startsWith('address:'));
    expect(await keys()).toEqual(['address:127.0.0.1']);
    const proxied = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => clock,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
      web: { trustProxy: ['127.0.0.1'] },
    });
    await proxied.listen({ host: '127.0.0.1', port: 0 });
    try {
      expect(
        (await failFrom(`http://127.0.0.1:${(proxied.server.address() as AddressInfo).port}`)).status,
      ).toBe(401);
    } finally {
      await proxied.close();
    }
    expect((await keys()).sort()).toEqual(['address:127.0.0.1', 'address:203.0.113.7']);
    await database.db.prisma.loginFailureCount.deleteMany();
  });

  it('refuses a JSON body larger than a form may be (413), and sets the request and connection timeouts', async () => {
    const big = await fetch(`${base}/quan-ly/dang-nhap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'x', password: 'y', pad: 'z'.repeat(100 * 1024) }),
    });
    expect(big.status).toBe(413);

    const slow = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
      web: { requestTimeoutMs: 500 },
    });
    // Node checks these timeouts every 30 s (connectionsCheckingInterval): the test reads what was set.
    try {
      expect(slow.server.requestTimeout).toBe(500);
      expect(app.server.requestTimeout).toBe(300_000);
      expect(app.server.timeout).toBe(60_000);
    } finally {
      await slow.close();
    }
  });

  it('ends a session after 8 idle hours, and after 12 hours in any case', async () => {
    const b = new Browser(base);
    expect((await b.login('xem', 'mật khẩu của người xem')).status).toBe(303);
    clock += 7 * 3600_000;
    expect((await b.fetch('/quan-ly')).status).toBe(200);
    clock += 4 * 3600_000; // idle 4 h, 11 h old
    expect((await b.fetch('/quan-ly')).status).toBe(200);
    clock += 3600_000 + 1; // 12 h old
    const out = await b.fetch('/quan-ly');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/quan-ly/dang-nhap?het=1');
    expect(b.cookies.has('phoihop_session')).toBe(false);
    expect(await (await b.fetch('/quan-ly/dang-nhap?het=1')).text()).toContain(
      'Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.',
    );

    const idle = new Browser(base);
    expect((await idle.login('xem', 'mật khẩu của người xem')).status).toBe(303);
    clock += 8 * 3600_000;
    expect((await idle.fetch('/quan-ly')).status).toBe(303);
  });

  it('ends a coordinator’s session after 30 idle minutes (the default), keeping the 12-hour lifetime', async () => {
    const b = new Browser(base);
    expect((await b.login('huong.lt', 'Mường Thanh 2027')).status).toBe(303);
    clock += 29 * 60_000;
    expect((await b.fetch('/quan-ly')).status).toBe(200);
    clock += 29 * 60_000;
    expect((await b.fetch('/quan-ly')).status).toBe(200);
    clock += 30 * 60_000;
    const out = await b.fetch('/quan-ly');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/quan-ly/dang-nhap?het=1');
  });

  it('logs out: the session row is deleted and the old cookie no longer works', async () => {
    const b = new Browser(base);
    await b.login('xem', 'mật khẩu của người xem');
    const token = b.cookies.get('phoihop_session')!;
    const html = await (await b.fetch('/quan-ly')).text();
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const out = await b.post('/quan-ly/dang-xuat', { _csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/quan-ly/dang-nhap?bye=1');
    expect(await database.db.prisma.webSession.findUnique({ where: { id: sessionId(token) } })).toBeNull();
    const again = await fetch(`${base}/quan-ly`, {
      headers: { cookie: `phoihop_session=${token}` },
      redirect: 'manual',
    });
    expect(again.status).toBe(303);
    expect(await (await b.fetch('/quan-ly/dang-nhap?bye=1')).text()).toContain('Bạn đã đăng xuất.');
  });

  it('binds a form’s CSRF token to its session: one from before a new login, or from another session, is refused', async () => {
    const b = new Browser(base);
    expect((await b.login('xem', 'mật khẩu của người xem')).status).toBe(303);
    const before = await b.csrf('/quan-ly');
    const secret = b.cookies.get('phoihop_csrf');
    expect((await b.post('/quan-ly/dang-xuat', { _csrf: await b.csrf('/quan-ly') })).status).toBe(303);
    expect((await b.login('xem', 'mật khẩu của người xem')).status).toBe(303);
    // The same browser, the same CSRF secret cookie, a new session: the old page's token is refused.
    expect(b.cookies.get('phoihop_csrf')).toBe(secret);
    const replayed = await b.post('/quan-ly/dang-xuat', { _csrf: before });
    expect(replayed.status).toBe(403);
    expect(await replayed.text()).toContain('Biểu mẫu không hợp lệ');
    expect((await b.fetch('/quan-ly')).status).toBe(200); // still logged in
    // Another session sharing that secret (a copied cookie): its tokens do not pass in this one.
    const other = new Browser(base);
    other.cookies.set('phoihop_csrf', secret!);
    expect((await other.login('xem', 'mật khẩu của người xem')).status).toBe(303);
    const theirs = await other.csrf('/quan-ly');
    expect((await b.post('/quan-ly/dang-xuat', { _csrf: theirs })).status).toBe(403);
    // A form of a session that has since ended says so.
    const stale = await other.csrf('/quan-ly');
    await database.db.prisma.webSession.deleteMany({
      where: { id: sessionId(other.cookies.get('phoihop_session')!) },
    });
    const ended = await other.post('/quan-ly/dang-xuat', { _csrf: stale });
    expect(ended.status).toBe(403);
    expect(await ended.text()).toContain('Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.');
    // This session's own token works.
    expect((await b.post('/quan-ly/dang-xuat', { _csrf: await b.csrf('/quan-ly') })).status).toBe(303);
  });

  it('puts a disabled user out at their next request, and refuses their login', async () => {
    const b = new Browser(base);
    expect((await b.login('huong.lt', 'Mường Thanh 2027')).status).toBe(303);
    expect((await b.fetch('/quan-ly')).status).toBe(200);
    expect(await phoihop(['user', 'disable', '--login', 'huong.lt'])).toMatchObject({ code: 0 });
    expect((await b.fetch('/quan-ly')).status).toBe(303);
    expect((await new Browser(base).login('huong.lt', 'Mường Thanh 2027')).status).toBe(401);
    expect(await phoihop(['user', 'enable', '--login', 'huong.lt'])).toMatchObject({ code: 0 });
    const passwd = await phoihop(['user', 'passwd', '--login', 'huong.lt'], {
      PHOIHOP_NEW_PASSWORD: 'Him Lam 2027 mới',
    });
    expect(passwd).toMatchObject({ code: 0 });
    expect((await new Browser(base).login('huong.lt', 'Mường Thanh 2027')).status).toBe(401);
    expect((await new Browser(base).login('huong.lt', 'Him Lam 2027 mới')).status).toBe(303);
  });

  it('leaves the Secure flag off when the public URL is plain http', async () => {
    const plain = buildWebServer({
      db: database.db,
      links: { ...TEST_LINKS, publicUrl: 'http://127.0.0.1:3000' },
      files,
      now: () => clock,
    });
    await plain.listen({ host: '127.0.0.1', port: 0 });
    try {
      const b = new Browser(`http://127.0.0.1:${(plain.server.address() as AddressInfo).port}`);
      expect((await b.login('xem', 'mật khẩu của người xem')).status).toBe(303);
      const cookie = b.lastSetCookies.find((c) => c.startsWith('phoihop_session='))!;
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).not.toMatch(/; Secure/);
    } finally {
      await plain.close();
    }
  });
});
