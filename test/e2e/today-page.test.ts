import type { BrowserContext, Page } from 'playwright-core';
import { addUser } from '../../src/auth/users';
import { localInstant } from '../../src/cycle/clock';
import {
  horizontalOverflow,
  launchBrowser,
  PHONE,
  screenshot,
  writeLayoutReport,
  type E2EBrowser,
  type Overflow,
} from './support/browser';
import { startStack, type E2EStack, type StackAgency } from './support/stack';
import {
  requestExtensionUpdate,
  statusQuery,
  submitUpdate,
} from '../../src/workflows/messages/agency-obligations';

const AGENCIES: StackAgency[] = [
  { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
  { code: 'SO-TP', name: 'Sở Tư pháp', group: 'department' },
  { code: 'UBND-P-DIENBIENPHU', name: 'Ủy ban nhân dân phường Điện Biên Phủ', group: 'commune_committee' },
];
const COORDINATOR = { login: 'huong', name: 'Lò Thị Hương', password: 'Mường Thanh 2027' };

/**
 * The coordinator's day starts on the today page, in a real headless Chromium against the real stack
 * (time-skipping Temporal with the project's worker, Mailpit, SQLite, the web server): a login leads to
 * it; it lists Sở Y tế's submission and the commune's extension request, counted in the navigation; on a
 * 375 px phone the coordinator grants the extension from the page, and the agency's workflow has the new
 * due date. Screenshots (phone and desktop) go to test-results/screenshots/; neither width scrolls sideways.
 */
describe('a coordinator, in a browser, grants an extension request from the today page', () => {
  let stack: E2EStack;
  let browser: E2EBrowser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  const layouts: Record<string, Overflow> = {};

  async function record(page: Page, name: string, what: string): Promise<void> {
    const kind = page.viewportSize()?.width === PHONE.width ? 'phone' : 'desktop';
    await screenshot(page, `${name}-${kind}`);
    layouts[`${what} (${kind})`] = await horizontalOverflow(page);
  }

  async function logIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${stack.base}/quan-ly/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(COORDINATOR.login);
    await page.getByLabel('Mật khẩu').fill(COORDINATOR.password);
    await Promise.all([
      page.waitForURL(`${stack.base}/quan-ly/hom-nay`),
      page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
    return page;
  }

  beforeAll(async () => {
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startStack({ name: 'today-page', pageTime: localInstant('2027-01-20', 10) }),
    ]);
    [phone, desktop] = await Promise.all([browser.newContext('phone'), browser.newContext('desktop')]);
    await addUser(stack.database.db, { ...COORDINATOR, role: 'coordinator' });
    await Promise.all(AGENCIES.map((a) => stack.startAgency(a)));
    await stack.advanceTo('2027-01-20', 10);
    await stack.handle('SO-YT').executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Văn thư', summary: 'Kế hoạch số 12/KH-SYT năm 2027' }],
    });
    await stack.handle('UBND-P-DIENBIENPHU').executeUpdate(requestExtensionUpdate, {
      args: [
        {
          milestone: 'annual-plan',
          until: '2027-02-26',
          reason: 'Phường mới sáp nhập, đang kiện toàn bộ phận văn thư',
          requestedBy: 'Lò Văn Thành',
        },
      ],
    });
    const until = Date.now() + 20_000;
    while ((await stack.database.db.prisma.obligation.count({ where: { status: 'submitted' } })) < 1) {
      if (Date.now() > until) throw new Error('the submission never reached the read model');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('lands on the today page after login, with the submission and the extension request counted in the navigation', async () => {
    const page = await logIn(desktop);
    expect(await page.locator('h1').innerText()).toBe('Việc cần xử lý hôm nay');
    expect(await page.locator('header [data-nav="today"] .badge').innerText()).toBe('2');
    expect(await page.locator('[data-submission="SO-YT"]').innerText()).toContain('Sở Y tế');
    const request = page.locator('[data-extension="UBND-P-DIENBIENPHU"]');
    expect(await request.innerText()).toContain('Phường mới sáp nhập, đang kiện toàn bộ phận văn thư');
    expect(await request.innerText()).toContain('26/02/2027');
    await record(page, 'dashboard-today', 'today page');
    await page.close();
  });

  it('grants the extension from the page on a phone: the workflow has the new due date and the request is gone', async () => {
    const page = await logIn(phone);
    await record(page, 'dashboard-today', 'today page');
    const request = page.locator('[data-extension="UBND-P-DIENBIENPHU"]');
    expect(await request.getByLabel('Hạn gửi mới').inputValue()).toBe('2027-02-26');
    await request.getByLabel('Ý kiến của điều phối viên').fill('Đồng ý gia hạn theo đề nghị của phường');
    await Promise.all([
      page.waitForURL(/\/quan-ly\/hom-nay\?ket-qua=\d+$/),
      request.getByRole('button', { name: 'Đồng ý gia hạn' }).click(),
    ]);
    expect(await page.locator('[data-result]').innerText()).toBe(
      'Đã thực hiện: Gia hạn – Ủy ban nhân dân phường Điện Biên Phủ',
    );
    expect(await page.locator('[data-extension]').count()).toBe(0);
    expect(await page.locator('header [data-nav="today"] .badge').innerText()).toBe('1');
    const status = await stack.handle('UBND-P-DIENBIENPHU').query(statusQuery);
    expect(status.obligations[0]!.due).toBe('2027-02-26');
    await record(page, 'dashboard-today-granted', 'today page after granting');
    await page.close();
  });

  it('fits the today page into its viewport at 375 px and on the desktop: nothing to scroll sideways', () => {
    expect(Object.keys(layouts).sort()).toEqual([
      'today page (desktop)',
      'today page (phone)',
      'today page after granting (phone)',
    ]);
    writeLayoutReport('layout-today-page', { overflow: layouts });
    const none: Overflow = { pixels: 0, culprits: [] };
    expect(layouts).toEqual(Object.fromEntries(Object.keys(layouts).map((what) => [what, none])));
  });
});
