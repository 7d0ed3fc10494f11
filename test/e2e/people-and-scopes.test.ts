import type { BrowserContext, Page } from 'playwright-core';
import { addUser, setAdministrator } from '../../src/auth/users';
import { localInstant } from '../../src/cycle/clock';
import { programHash } from '../../src/programs/load';
import { registerProgramVersion } from '../../src/programs/store';
import {
  horizontalOverflow,
  launchBrowser,
  screenshot,
  writeLayoutReport,
  type E2EBrowser,
  type Overflow,
} from './support/browser';
import { startStack, type E2EStack } from './support/stack';

const ADMIN = { login: 'quantri', name: 'Lường Văn Quản', password: 'quản trị Điện Biên 2027' };
const MAI = { login: 'mai.yt', name: 'Lò Thị Mai', password: 'kế hoạch của Sở Y tế' };
const OTHER_PROGRAM = 'dien-bien-yte';

/**
 * People and scopes in a real headless Chromium against the real stack: an administrator (made like
 * `phoihop user add --administrator` makes one) adds a coordinator of another department's plan from the
 * dashboard; the new coordinator opens the one-time link on a phone, sets a password and logs in; then every
 * page of Plan 99's cycle (matrix, an agency, inspections, the inspection plan, an export) is "not found" to
 * them, the directory import (shared by every program) is refused, and an action forged from their browser
 * with a valid form token changes nothing. Screenshots at phone and desktop widths; no page scrolls sideways
 * at 375 px.
 */
describe('an administrator adds a scoped coordinator, who is refused every page and action of another plan', () => {
  let stack: E2EStack;
  let browser: E2EBrowser;
  let adminDesktop: BrowserContext;
  let adminPhone: BrowserContext;
  let maiPhone: BrowserContext;
  let maiDesktop: BrowserContext;
  let link: string;
  let otherCycleId: number;
  const layout: Record<string, Overflow> = {};

  beforeAll(async () => {
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startStack({ name: 'people-and-scopes', pageTime: localInstant('2027-01-20', 10) }),
    ]);
    [adminDesktop, adminPhone, maiPhone, maiDesktop] = await Promise.all([
      browser.newContext('desktop'),
      browser.newContext('phone'),
      browser.newContext('phone'),
      browser.newContext('desktop'),
    ]);
    const db = stack.database.db;
    await addUser(db, { ...ADMIN, role: 'viewer' });
    await setAdministrator(db, ADMIN.login, true);
    // Sở Y tế's own plan, with its 2027 cycle: what Mai will coordinate.
    const other = { ...stack.seeded.program.definition, code: OTHER_PROGRAM, lead: 'SO-YT' };
    const stored = await registerProgramVersion(db, other, programHash(other));
    otherCycleId = (
      await db.prisma.cycle.create({
        data: { programId: stored.programId, programVersionId: stored.programVersionId, year: 2027 },
      })
    ).id;
    await stack.startAgency({ code: 'SO-YT', name: 'Sở Y tế', group: 'department' });
    await stack.advanceTo('2027-01-20', 10);
  });

  afterAll(async () => {
    writeLayoutReport('people-and-scopes-layout', layout);
    await browser?.close();
    await stack?.stop();
  });

  async function open(context: BrowserContext, path: string, status = 200): Promise<Page> {
    const page = await context.newPage();
    const response = await page.goto(`${stack.base}${path}`);
    expect({ path, status: response?.status() }).toEqual({ path, status });
    return page;
  }

  /** Screenshot and the sideways-scroll check of a page (none allowed on the phone). */
  async function check(page: Page, name: string, phone: boolean): Promise<void> {
    await screenshot(page, `people-${name}-${phone ? 'phone' : 'desktop'}`);
    const overflow = await horizontalOverflow(page);
    layout[`${name}-${phone ? 'phone' : 'desktop'}`] = overflow;
    if (phone) expect({ name, ...overflow }).toEqual({ name, pixels: 0, culprits: [] });
  }

  async function login(context: BrowserContext, who: { login: string; password: string }): Promise<Page> {
    const page = await open(context, '/quan-ly/dang-nhap');
    await page.fill('input[name=login]', who.login);
    await page.fill('input[name=password]', who.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    return page;
  }

  it('an administrator adds a coordinator of another plan and gets a one-time link', async () => {
    const page = await login(adminDesktop, ADMIN);
    await Promise.all([page.waitForNavigation(), page.click('header nav a[href="/quan-ly/nguoi-dung"]')]);
    expect(await page.textContent('h1')).toBe('Người dùng và phạm vi');
    await page.fill('input[name=login]', MAI.login);
    await page.fill('input[name=name]', MAI.name);
    await page.selectOption('select[name=role]', 'coordinator');
    await page.check('input[name=scope][value=some]');
    await page.fill('textarea[name=programs]', OTHER_PROGRAM);
    await check(page, 'users', false);
    await Promise.all([page.waitForNavigation(), page.click('form.fields button[type=submit]')]);
    expect(await page.textContent('h1')).toBe(`${MAI.name} (${MAI.login})`);
    link = new URL((await page.textContent('#invite-link'))!.trim()).pathname;
    expect(link).toMatch(/^\/quan-ly\/kich-hoat\/[A-Za-z0-9_-]{43}$/);
    await check(page, 'user-link', false);

    const phonePage = await login(adminPhone, ADMIN);
    await phonePage.goto(`${stack.base}/quan-ly/nguoi-dung`);
    expect(await phonePage.textContent(`tr[data-login="${MAI.login}"]`)).toContain('kế hoạch dien-bien-yte');
    await check(phonePage, 'users', true);
    await phonePage.goto(`${stack.base}/quan-ly/nguoi-dung/${MAI.login}`);
    await check(phonePage, 'user', true);
  });

  it('the new coordinator sets a password with the link on a phone and logs in', async () => {
    const page = await open(maiPhone, link);
    expect(await page.textContent('main')).toContain(`Xin chào ${MAI.name}`);
    await check(page, 'set-password', true);
    await page.fill('input[name=password]', MAI.password);
    await page.fill('input[name=repeat]', MAI.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/quan-ly/dang-nhap');
    expect(await page.textContent('main')).toContain('Đã đặt mật khẩu');
    await check(page, 'password-set', true);
    // The link works once.
    await open(maiPhone, link, 404);

    const home = await login(maiPhone, MAI);
    expect(new URL(home.url()).pathname).toBe('/quan-ly');
    // The list shows Sở Y tế's cycle only, not Plan 99's.
    const cycles = await home.$$eval('main a[href^="/quan-ly/chu-ky/"]', (links) =>
      links.map((l) => (l as unknown as { getAttribute(n: string): string }).getAttribute('href')),
    );
    expect([...new Set(cycles)]).toEqual([`/quan-ly/chu-ky/${otherCycleId}`]);
    await check(home, 'scoped-home', true);
  });

  it("is refused every page and action of Plan 99's cycle", async () => {
    const page = await login(maiDesktop, MAI);
    const cycle = `/quan-ly/chu-ky/${stack.seeded.cycleId}`;
    const inspection = await stack.database.db.prisma.inspection.create({
      data: {
        cycleId: stack.seeded.cycleId,
        agencyId: (await stack.database.db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-YT' } })).id,
        kind: 'kiem_tra',
        visitOn: new Date('2027-05-10T00:00:00Z'),
        workflowId: 'inspection:dien-bien-kh99:2027:SO-YT',
      },
    });
    for (const path of [
      cycle,
      `${cycle}/don-vi/SO-YT`,
      `${cycle}/kiem-tra`,
      `${cycle}/ke-hoach-kiem-tra`,
      `${cycle}/xuat/ma-tran.xlsx`,
      `/quan-ly/kiem-tra/${inspection.id}`,
    ]) {
      const response = await page.goto(`${stack.base}${path}`);
      expect({ path, status: response?.status() }).toEqual({ path, status: 404 });
      expect(await page.textContent('h1')).toBe('Không tìm thấy');
    }
    await check(page, 'refused', false);
    const phone = await maiPhone.newPage();
    await phone.goto(`${stack.base}${cycle}`);
    await check(phone, 'refused', true);
    expect((await page.goto(`${stack.base}/quan-ly/danh-ba/nhap`))?.status()).toBe(403);

    // A forged action: a real form token from Mai's own page, posted to Plan 99's agency action.
    await page.goto(`${stack.base}/quan-ly`);
    // (A form built in the page and submitted: the pages' CSP allows no script-made requests.)
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(`(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = '${cycle}/don-vi/SO-YT/remind';
        const fields = { _csrf: document.querySelector('input[name=_csrf]').value, key: 'forged-1', milestone: 'annual-plan', reason: 'thử' };
        for (const [name, value] of Object.entries(fields)) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
      })()`),
    ]);
    const status = response?.status();
    expect(status).toBe(404);
    expect(
      await stack.database.db.prisma.auditEvent.count({ where: { actor: `coordinator:${MAI.login}` } }),
    ).toBe(0);
  });
});
