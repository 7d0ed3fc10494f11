import type { FastifyInstance } from 'fastify';
import { buildWebServer } from '../../../src/web/server';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { runPhoihop } from '../../support/cli';
import { testFiles } from '../../support/files';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening, loggedIn, USERS } from './dashboard-browser';

const ADMIN_PASSWORD = 'quản trị Điện Biên 2027';
const NEW_PASSWORD = 'mật khẩu mới của Lan';

/** The one-time link shown on the page, as a path on this server. */
function linkOn(html: string): string {
  const link = /<code id="invite-link"[^>]*>([^<]+)<\/code>/.exec(html)?.[1];
  if (!link) throw new Error('no one-time link on the page');
  return new URL(link.replace(/&amp;/g, '&')).pathname;
}

/**
 * Users managed on the dashboard: the first administrator from the CLI (a separate process), who adds a user
 * scoped to one program; the user sets a password with the one-time link (which then stops working), logs in
 * and sees only that program; disabling, enabling, resetting and scope changes; refusals field by field with
 * nothing saved; every change in the audit log; nobody but an administrator reaches these pages.
 */
describe.each(['sqlite', 'postgresql'] as const)('dashboard users (%s)', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  let app: FastifyInstance;
  let base: string;
  let admin: Browser;
  const files = testFiles();
  let clock = Date.now();

  beforeAll(async () => {
    database = await freshDatabase(provider, 'dashboard_users');
    seeded = await seedCycle(database.db, 2027);
    const add = await runPhoihop(
      [
        'user',
        'add',
        '--login',
        'quantri',
        '--name',
        'Lường Văn Quản',
        '--role',
        'viewer',
        '--administrator',
      ],
      { DATABASE_URL: database.url, PHOIHOP_NEW_PASSWORD: ADMIN_PASSWORD },
    );
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toContain('quantri (viewer, administrator)');
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => clock,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    base = await listening(app);
    admin = new Browser(base);
    await admin.login('quantri', ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await app?.close();
    files.remove();
    await database?.drop();
  });

  async function adminPost(path: string, fields: Record<string, string>): Promise<Response> {
    const _csrf = Browser.csrfOf(await admin.html('/quan-ly/nguoi-dung'));
    return admin.post(path, { _csrf, ...fields });
  }

  it('refuses a new user field by field, saving nothing', async () => {
    const res = await adminPost('/quan-ly/nguoi-dung', {
      login: 'Bad Login',
      name: '',
      role: 'chief',
      scope: 'some',
      programs: '',
      leads: '',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('data-field="login"');
    expect(html).toContain('data-field="name"');
    expect(html).toContain('data-field="role"');
    expect(html).toContain('Hãy nêu ít nhất một mã kế hoạch hoặc mã cơ quan chủ trì');
    expect(await database.db.prisma.user.count()).toBe(1);
    expect(await database.db.prisma.auditEvent.count({ where: { action: { startsWith: 'user.' } } })).toBe(0);
  });

  it('adds a scoped user who sets a password with the one-time link, once, and sees only that program', async () => {
    // Another program's cycle the new user must not see.
    const other = await database.db.prisma.program.create({ data: { code: 'khac', title: 'Kế hoạch khác' } });
    const otherCycle = await database.db.prisma.cycle.create({
      data: { programId: other.id, programVersionId: seeded.programVersionId, year: 2027 },
    });
    const res = await adminPost('/quan-ly/nguoi-dung', {
      login: 'Lan.VT',
      name: 'Vì Thị Lan',
      role: 'coordinator',
      scope: 'some',
      programs: 'dien-bien-kh99',
      leads: '',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(res.headers.get('cache-control')).toBe('no-store');
    const link = linkOn(html);
    expect(link).toMatch(/^\/quan-ly\/kich-hoat\/[A-Za-z0-9_-]{43}$/);
    const stored = await database.db.prisma.userInvite.findFirstOrThrow({
      where: { user: { login: 'lan.vt' } },
    });
    expect(link).not.toContain(stored.id); // only the token's hash is kept

    const lan = new Browser(base);
    const form = await lan.html(link);
    expect(form).toContain('Xin chào Vì Thị Lan');
    const _csrf = Browser.csrfOf(form);
    const differ = await lan.post(link, { _csrf, password: NEW_PASSWORD, repeat: 'khác hẳn đi nhé' });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain('Hai lần nhập mật khẩu không giống nhau.');
    const short = await lan.post(link, { _csrf, password: 'ngắn', repeat: 'ngắn' });
    expect(short.status).toBe(400);
    const set = await lan.post(link, { _csrf, password: NEW_PASSWORD, repeat: NEW_PASSWORD });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/quan-ly/dang-nhap?mk=1');
    expect(await lan.html('/quan-ly/dang-nhap?mk=1')).toContain('Đã đặt mật khẩu');
    // Used once: the link no longer works, by GET or by POST.
    expect((await lan.fetch(link)).status).toBe(404);
    expect(
      (await lan.post(link, { _csrf, password: 'lại lần nữa 2027', repeat: 'lại lần nữa 2027' })).status,
    ).toBe(404);

    await lan.login('lan.vt', NEW_PASSWORD);
    const home = await lan.html('/quan-ly/');
    expect(home).toContain(`/quan-ly/chu-ky/${seeded.cycleId}`);
    expect(home).not.toContain(`/quan-ly/chu-ky/${otherCycle.id}"`);
    expect((await lan.fetch(`/quan-ly/chu-ky/${otherCycle.id}`)).status).toBe(404);
    // Not an administrator: the users pages are refused, and the nav has no link to them.
    expect(home).not.toContain('href="/quan-ly/nguoi-dung"');
    expect((await lan.fetch('/quan-ly/nguoi-dung')).status).toBe(403);
    expect((await lan.fetch('/quan-ly/nguoi-dung/quantri')).status).toBe(403);

    const added = await database.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.add' } });
    expect(added).toMatchObject({ actor: 'administrator:quantri', subject: 'user:lan.vt' });
    expect(added.details).toMatchObject({ role: 'coordinator', allPrograms: false });
    expect(
      await database.db.prisma.auditEvent.count({
        where: { action: 'user.password-set', subject: 'user:lan.vt' },
      }),
    ).toBe(1);
  });

  it('changes role and scope, disables, enables and resets, each audited', async () => {
    const lan = new Browser(base);
    await lan.login('lan.vt', NEW_PASSWORD);
    // Scope: every program the lead agency SO-YT leads (none): the cycle is out of reach at the next request.
    const access = await adminPost('/quan-ly/nguoi-dung/lan.vt/quyen', {
      role: 'viewer',
      scope: 'some',
      programs: '',
      leads: 'SO-YT',
    });
    expect(access.status).toBe(303);
    expect(await admin.html('/quan-ly/nguoi-dung/lan.vt?xong=luu')).toContain('Đã lưu.');
    expect((await lan.fetch(`/quan-ly/chu-ky/${seeded.cycleId}`)).status).toBe(404);
    const bad = await adminPost('/quan-ly/nguoi-dung/lan.vt/quyen', {
      role: 'viewer',
      scope: 'some',
      programs: 'không hợp lệ',
      leads: '',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('data-field="scope"');
    expect(await database.db.prisma.userScope.findMany({ where: { user: { login: 'lan.vt' } } })).toEqual([
      expect.objectContaining({ kind: 'lead', code: 'SO-YT' }),
    ]);

    expect((await adminPost('/quan-ly/nguoi-dung/lan.vt/khoa', {})).status).toBe(303);
    expect((await lan.fetch('/quan-ly/')).status).toBe(303); // the session ended
    await expect(lan.login('lan.vt', NEW_PASSWORD)).rejects.toThrow('login lan.vt: 401');
    expect((await adminPost('/quan-ly/nguoi-dung/lan.vt/mo-khoa', {})).status).toBe(303);
    await lan.login('lan.vt', NEW_PASSWORD);

    const reset = await adminPost('/quan-ly/nguoi-dung/lan.vt/dat-lai', {});
    expect(reset.status).toBe(200);
    const link = linkOn(await reset.text());
    expect((await lan.fetch('/quan-ly/')).status).toBe(303); // the session ended
    await expect(lan.login('lan.vt', NEW_PASSWORD)).rejects.toThrow('401'); // the old password no longer works
    const _csrf = Browser.csrfOf(await lan.html(link));
    expect(
      (await lan.post(link, { _csrf, password: 'đặt lại rồi 2027', repeat: 'đặt lại rồi 2027' })).status,
    ).toBe(303);
    await lan.login('lan.vt', 'đặt lại rồi 2027');

    const actions = (
      await database.db.prisma.auditEvent.findMany({
        where: { subject: 'user:lan.vt' },
        orderBy: { id: 'asc' },
      })
    ).map((e) => e.action);
    expect(actions).toEqual([
      'user.add',
      'user.password-set',
      'user.access',
      'user.disable',
      'user.enable',
      'user.reset',
      'user.password-set',
    ]);
  });

  it('unlocks a login locked by wrong passwords (audited); a user ends their other sessions', async () => {
    const wrong = new Browser(base);
    const csrf = Browser.csrfOf(await wrong.html('/quan-ly/dang-nhap'));
    for (let i = 0; i < 20; i++) {
      await wrong.post('/quan-ly/dang-nhap', { _csrf: csrf, login: 'lan.vt', password: `sai ${i}` });
    }
    await expect(new Browser(base).login('lan.vt', 'đặt lại rồi 2027')).rejects.toThrow();
    const locked = await admin.html('/quan-ly/nguoi-dung/lan.vt');
    expect(locked).toMatch(/Đăng nhập đang bị tạm khóa đến \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    const unlocked = await adminPost('/quan-ly/nguoi-dung/lan.vt/mo-khoa-dang-nhap', {});
    expect(unlocked.status).toBe(303);
    const after = await admin.html(unlocked.headers.get('location')!);
    expect(after).toContain('Đã mở khóa đăng nhập; người này có thể đăng nhập lại ngay.');
    expect(after).not.toContain('Đăng nhập đang bị tạm khóa');
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { subject: 'user:lan.vt', action: 'user.unlock' },
    });
    expect(event.actor).toBe('administrator:quantri');

    // Logged in on a phone and a computer: from the computer, the phone's session is ended.
    const phone = new Browser(base);
    await phone.login('lan.vt', 'đặt lại rồi 2027');
    const computer = new Browser(base);
    await computer.login('lan.vt', 'đặt lại rồi 2027');
    const account = await computer.html('/quan-ly/tai-khoan');
    // The phone's, and the session of the earlier test's browser.
    const others = Number(/Ngoài phiên này, bạn còn (\d+) phiên đăng nhập đang mở/.exec(account)?.[1]);
    expect(others).toBe(
      (await database.db.prisma.webSession.count({ where: { user: { login: 'lan.vt' } } })) - 1,
    );
    expect(others).toBeGreaterThanOrEqual(1);
    const ended = await computer.post('/quan-ly/tai-khoan/phien-khac', { _csrf: Browser.csrfOf(account) });
    expect(ended.status).toBe(303);
    const done = await computer.html(ended.headers.get('location')!);
    expect(done).toContain(`Đã kết thúc ${others} phiên đăng nhập khác.`);
    expect(done).toContain('bạn không còn phiên đăng nhập nào khác đang mở');
    expect((await phone.fetch('/quan-ly/')).status).toBe(303); // back to the login page
    expect((await computer.fetch('/quan-ly/')).status).toBe(200);
    expect(
      await database.db.prisma.auditEvent.count({
        where: { action: 'user.end-other-sessions', subject: 'user:lan.vt' },
      }),
    ).toBe(1);
  });

  it('a one-time link expires after 72 hours', async () => {
    const reset = await adminPost('/quan-ly/nguoi-dung/lan.vt/dat-lai', {});
    const link = linkOn(await reset.text());
    clock += 72 * 3600_000 + 1000;
    try {
      expect((await new Browser(base).fetch(link)).status).toBe(404);
    } finally {
      clock -= 72 * 3600_000 + 1000;
    }
  });

  it('an administrator cannot disable themself or drop their own right', async () => {
    const res = await adminPost('/quan-ly/nguoi-dung/quantri/khoa', {});
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Bạn không thể tự khóa tài khoản');
    const drop = await adminPost('/quan-ly/nguoi-dung/quantri/quyen', { role: 'viewer', scope: 'all' });
    expect(drop.status).toBe(400);
    expect(await database.db.prisma.user.findUniqueOrThrow({ where: { login: 'quantri' } })).toMatchObject({
      disabled: false,
      administrator: true,
    });
  });

  it('refuses the users pages to a coordinator of every program who is not an administrator', async () => {
    const coordinator = await loggedIn(base, database.db, USERS.coordinator);
    expect((await coordinator.fetch('/quan-ly/nguoi-dung')).status).toBe(403);
    const _csrf = Browser.csrfOf(await coordinator.html('/quan-ly/'));
    const res = await coordinator.post('/quan-ly/nguoi-dung', {
      _csrf,
      login: 'len-lut',
      name: 'Lén Lút',
      role: 'coordinator',
      scope: 'all',
    });
    expect(res.status).toBe(403);
    expect(await database.db.prisma.user.findUnique({ where: { login: 'len-lut' } })).toBeNull();
  });
});
