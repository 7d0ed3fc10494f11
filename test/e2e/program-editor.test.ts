import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { addUser } from '../../src/auth/users';
import { buildWebServer } from '../../src/web/server';
import { freshDatabase, type TestDatabase } from '../support/databases';
import { testFiles } from '../support/files';
import { projectRoot } from '../support/tools';
import { TEST_LINKS } from '../support/worker';
import { listening } from '../integration/web/dashboard-browser';
import {
  horizontalOverflow,
  launchBrowser,
  PHONE,
  screenshot,
  scrollBoxes,
  writeLayoutReport,
  type E2EBrowser,
  type Overflow,
} from './support/browser';

/** 10:00 on Sunday 29 November 2026 in Vietnam: the pages' "now" (the editor previews 2027). */
const NOW = Date.UTC(2026, 10, 29, 3, 0);
const COORDINATOR = { login: 'huong', name: 'Lò Thị Hương', password: 'Mường Thanh 2027' };
const REST = readFileSync(join(projectRoot, 'test/fixtures/program-violence-rest.yaml'), 'utf8');
const CODE = 'phong-chong-bao-luc-gia-dinh';

/**
 * A coordinator, in Debian's Chromium on a phone and on a desktop, writes a new program in the dashboard's
 * editor (a domestic-violence prevention plan: two reports a year, its own figures, a two-step ladder),
 * previews its 2027 dates as the year's timeline and table, sees invalid forms refused field by field with
 * nothing stored (a duplicate milestone key, a due date outside the year, a reminder earlier than the
 * request, a template with an unknown variable), saves it, and finds it in the library with its version.
 * The web server and database are the real ones (SQLite); no page may scroll sideways at 375 px.
 */
describe('a coordinator writes a new program in the browser and previews its year', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  let browser: E2EBrowser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  const files = testFiles();
  const layouts: Record<string, Overflow> = {};
  const swipes: Record<string, string[]> = {};
  const versions = () => database.db.prisma.programVersion.count();

  async function record(page: Page, name: string, what: string): Promise<void> {
    const kind = page.viewportSize()?.width === PHONE.width ? 'phone' : 'desktop';
    await screenshot(page, `${name}-${kind}`);
    layouts[`${what} (${kind})`] = await horizontalOverflow(page);
    swipes[`${what} (${kind})`] = await scrollBoxes(page);
  }

  const loggedIn = new Set<BrowserContext>();
  /** A new page of `context`, logged in through the login form the first time. */
  async function logIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    if (loggedIn.has(context)) return page;
    loggedIn.add(context);
    await page.goto(`${base}/quan-ly/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(COORDINATOR.login);
    await page.getByLabel('Mật khẩu').fill(COORDINATOR.password);
    await Promise.all([
      page.waitForURL(`${base}/quan-ly/hom-nay`), // a login leads to the today page
      page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
    return page;
  }

  /** Opens the blank starter from the library and fills the violence plan in. */
  async function fillNewProgram(page: Page, rest: string, reminders = '3, 1, 0'): Promise<void> {
    await page.goto(`${base}/quan-ly/chuong-trinh`);
    await page.getByRole('link', { name: 'Từ mẫu trống' }).click();
    await page.getByLabel('Mã chương trình').fill(CODE);
    await page.getByLabel('Tên chương trình (tiếng Việt)').fill('Kế hoạch phòng, chống bạo lực gia đình');
    await page.getByLabel('Tên chương trình (tiếng Anh)').fill('Domestic violence prevention plan');
    await page.getByLabel('Số văn bản').fill('45/KH-UBND');
    await page.getByLabel('Gửi yêu cầu trước hạn').fill('10');
    await page.getByLabel('Nhắc hạn trước hạn').fill(reminders);
    await page.getByLabel('Phần còn lại của chương trình (YAML)').fill(rest);
  }

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'e2e_program_editor');
    await addUser(database.db, { ...COORDINATOR, role: 'coordinator' });
    app = buildWebServer({ db: database.db, links: TEST_LINKS, files, now: () => NOW });
    [base, browser] = await Promise.all([listening(app), launchBrowser()]);
    [phone, desktop] = await Promise.all([browser.newContext('phone'), browser.newContext('desktop')]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    files.remove();
    await database?.drop();
  });

  it('refuses an invalid program field by field and stores nothing', async () => {
    const page = await logIn(desktop);
    const broken = REST.replace('  - key: bao-cao-nam', '  - key: bao-cao-6-thang').replace(
      'Kính gửi: {{ agency_name }}. Hạn',
      'Kính gửi: {{ ten_don_vi }}. Hạn',
    );
    await fillNewProgram(page, broken, '12, 2, 0');
    await page.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    await page.waitForSelector('[data-banner="error"]');
    expect(await page.locator('[data-banner="error"]').innerText()).toMatch(/^Chưa lưu: còn \d+ lỗi/);
    expect(await page.locator('.field-error[data-field="reminders"]').innerText()).toMatch(
      /nhắc hạn trước hạn 12 ngày làm việc lại sớm hơn \(hoặc cùng ngày\) gửi yêu cầu/,
    );
    const listed = await page.locator('#rest-problems li').allInnerTexts();
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^milestones\[1\]\.key: Mã mốc “bao-cao-6-thang” bị trùng/),
        expect.stringMatching(/^templates\.thu\.body\.vi: Mẫu thư “thu” dùng biến “ten_don_vi” không có/),
      ]),
    );
    // What was typed stays in the form.
    expect(await page.getByLabel('Nhắc hạn trước hạn').inputValue()).toBe('12, 2, 0');
    await record(page, 'program-editor-refused', 'editor with problems');
    // A due date in the next year, once the rest is right.
    await fillNewProgram(
      page,
      REST.replace(
        'to: { month: 12, day: 14 }\n    due: { after: { event: period-end, workingDays: 2 } }',
        'to: { month: 12, day: 14 }\n    due: { fixed: { month: 1, day: 20, yearOffset: 1 } }',
      ),
    );
    await page.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    await page.waitForSelector('#rest-problems');
    expect(await page.locator('#rest-problems li').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^milestones\[1\]\.due: Hạn của mốc “bao-cao-nam” trong năm 2027 rơi vào ngày 2028-01-20/,
      ),
    ]);
    expect(await versions()).toBe(0);
    await page.close();
  });

  it('previews the new program’s 2027 dates beside the form, on the phone and the desktop', async () => {
    for (const context of [phone, desktop]) {
      const page = await logIn(context);
      await fillNewProgram(page, REST);
      await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
      await page.waitForSelector('svg.timeline');
      expect(await page.locator('[data-banner="info"]').innerText()).toContain('Biểu mẫu hợp lệ.');
      // Two reports: the six-month one due 3 working days after 14/06/2027, the annual one after 14/12.
      expect(
        await page
          .locator('svg.timeline g[data-event="due"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-date'))),
      ).toEqual(['2027-06-17', '2027-12-16']);
      expect(await page.locator('svg.timeline rect[data-off="tet"]').count()).toBeGreaterThan(0);
      const dueRows = await page.locator('table[data-table="plan"] tr[data-what="due"]').allInnerTexts();
      expect(dueRows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
        expect.stringContaining('17/06/2027'),
        expect.stringContaining('16/12/2027'),
      ]);
      // The shorter ladder: two steps after each due date.
      expect(await page.locator('svg.timeline g[data-event="escalation"]').count()).toBe(4);
      await record(page, 'program-editor-preview', 'editor with the year at a glance');
      await page.close();
    }
    expect(await versions()).toBe(0);
  });

  it('saves the program as its first version and lists it in the library', async () => {
    const page = await logIn(desktop);
    await fillNewProgram(page, REST);
    await page.getByLabel('Nội dung thay đổi').fill('Kế hoạch mới năm 2027');
    await Promise.all([
      page.waitForURL(`${base}/quan-ly/chuong-trinh/${CODE}?da-luu=1`),
      page.getByRole('button', { name: 'Lưu phiên bản mới' }).click(),
    ]);
    expect(await page.getByRole('status').innerText()).toBe('Đã lưu phiên bản 1 (huong).');
    expect(await page.locator('tr[data-version="1"]').innerText()).toContain('Kế hoạch mới năm 2027');
    await record(page, 'program-versions', 'program versions');
    expect(await versions()).toBe(1);
    for (const context of [phone, desktop]) {
      const library = await context.newPage();
      await library.goto(`${base}/quan-ly/chuong-trinh`);
      expect(await library.locator(`tr[data-code="${CODE}"]`).innerText()).toContain('45/KH-UBND');
      await record(library, 'program-library', 'program library');
      const versionsPage = await context.newPage();
      await versionsPage.goto(`${base}/quan-ly/chuong-trinh/${CODE}`);
      await record(versionsPage, 'program-versions', 'program versions');
      await library.close();
      await versionsPage.close();
    }
    await page.close();
  });

  it('fits every program page into its viewport, 375 px wide on the phone: nothing to scroll sideways', () => {
    expect(
      Object.keys(layouts)
        .filter((k) => k.endsWith('(phone)'))
        .sort(),
    ).toEqual([
      'editor with the year at a glance (phone)',
      'program library (phone)',
      'program versions (phone)',
    ]);
    writeLayoutReport('layout-program-editor', { overflow: layouts, scrollingBoxes: swipes });
    const none: Overflow = { pixels: 0, culprits: [] };
    expect(layouts).toEqual(Object.fromEntries(Object.keys(layouts).map((what) => [what, none])));
  });
});
