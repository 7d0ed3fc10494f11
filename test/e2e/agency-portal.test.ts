import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { localInstant } from '../../src/cycle/clock';
import {
  horizontalOverflow,
  launchBrowser,
  PHONE,
  screenshot,
  type E2EBrowser,
  type Overflow,
} from './support/browser';
import { minimalPdf } from './support/pdf';
import { startStack, type E2EStack } from './support/stack';

const AGENCY = { code: 'SO-YT', name: 'Sở Y tế', group: 'department' } as const;
const RECEIPT = '2027-SO-YT-annual-plan-1';

/**
 * An agency's whole visit, in a real headless Chromium: the real workflow sends its request email through
 * a real SMTP server (Mailpit); the link in that email opens the task page on the portal (Fastify, SQLite,
 * Temporal's time-skipping server, all on loopback); the agency reads it in Vietnamese and in English,
 * fills the form on a phone, and gets a receipt on the page and by email. Screenshots of each page, phone
 * and desktop, land in test-results/screenshots/.
 */
describe('an agency, in a browser, from the request email to the receipt', () => {
  let stack: E2EStack;
  let browser: E2EBrowser;
  /** The task link, exactly as the request email carries it. */
  let link: string;

  beforeAll(async () => {
    // "Today", for the pages, is Wed 20/01/2027: five days after the request went out.
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startStack({ name: 'agency-portal', pageTime: localInstant('2027-01-20', 10) }),
    ]);
    await stack.startAgency(AGENCY);
    // The request goes out at 08:00 on 15/01; let the (skipped) clock pass it.
    await stack.env.sleep('3 hours');
    link = await stack.taskLinkFromEmail('ha.tt@soyt.dienbien.example');
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Opens `url` in a new tab of the phone or desktop context; returns the page and the HTTP status. */
  async function open(kind: 'phone' | 'desktop', url: string): Promise<{ page: Page; status: number }> {
    const page = await browser[kind].newPage();
    const response = await page.goto(url, { waitUntil: 'load' });
    return { page, status: response?.status() ?? 0 };
  }

  /** Sideways overflow of every page the tests opened, checked all together by the last test. */
  const layouts: Record<string, Overflow> = {};
  async function measureLayout(page: Page, what: string): Promise<void> {
    layouts[what] = await horizontalOverflow(page);
  }

  /** The text of the definition list's value for a label (e.g. "Đơn vị" → "Sở Y tế"). */
  async function field(page: Page, label: string): Promise<string> {
    const dd = page.locator('dl dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
    return (await dd.innerText()).trim();
  }

  it('opens the email link as the Vietnamese task page, on a phone and on a desktop', async () => {
    const { page, status } = await open('phone', link);
    expect(status).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('h1').innerText()).toBe('Kế hoạch triển khai năm 2027');
    expect(await field(page, 'Đơn vị')).toBe('Sở Y tế');
    expect(await page.locator('main').innerText()).toContain('99/KH-UBND');
    // Due Fri 12/02/2027; from Wed 20/01, Tết (04/02 to 10/02) does not count.
    expect(await page.locator('main').innerText()).toMatch(/12\/02\/2027 \(còn 12 ngày làm việc\)/);
    expect(await page.locator('main').innerText()).toContain('Đang chờ đơn vị gửi');
    // The request email is listed among the emails sent.
    expect(await page.locator('table').innerText()).toMatch(/Đề nghị\s+ha\.tt@soyt\.dienbien\.example/);
    // The form is there, its fields ready to type into.
    await expect(page.locator('input[name=submittedBy]').isEditable()).resolves.toBe(true);
    await expect(page.locator('textarea[name=summary]').isEditable()).resolves.toBe(true);

    expect(page.viewportSize()?.width).toBe(PHONE.width);
    await screenshot(page, 'task-page-phone');
    await measureLayout(page, 'task page (phone)');
    await page.close();

    const desktop = await open('desktop', link);
    expect(desktop.status).toBe(200);
    expect(await desktop.page.locator('h1').innerText()).toBe('Kế hoạch triển khai năm 2027');
    await screenshot(desktop.page, 'task-page-desktop');
    await measureLayout(desktop.page, 'task page (desktop)');
    await desktop.page.close();
  });

  it('switches to English and back from the header link', async () => {
    const { page } = await open('phone', link);
    await Promise.all([page.waitForURL(/\?lang=en$/), page.getByRole('link', { name: 'English' }).click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Annual implementation plan 2027');
    expect(await field(page, 'Agency')).toBe('Department of Health');
    const main = await page.locator('main').innerText();
    expect(main).toContain('12 working days left');
    expect(main).toContain('Waiting for your submission');
    await screenshot(page, 'task-page-en-phone');
    await measureLayout(page, 'task page in English (phone)');

    await Promise.all([
      page.waitForURL(/\?lang=vi$/),
      page.getByRole('link', { name: 'Tiếng Việt' }).click(),
    ]);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('h1').innerText()).toBe('Kế hoạch triển khai năm 2027');
    await page.close();
  });

  it('takes the form filled on a phone: the receipt number on the page, then the receipt email', async () => {
    const { page } = await open('phone', link);
    await page.locator('input[name=submittedBy]').fill('Trần Thanh Hà');
    await page
      .locator('textarea[name=summary]')
      .fill('Kế hoạch số 12/KH-SYT triển khai năm 2027 của Sở Y tế.');
    // The portal takes attachments once its file input exists: attach a real PDF when it does.
    const pdf = minimalPdf('Ke hoach so 12/KH-SYT nam 2027');
    const attaching = (await page.locator('input[name=attachments]').count()) > 0;
    if (attaching) {
      await page.locator('input[name=attachments]').setInputFiles({
        name: 'ke-hoach-12-KH-SYT.pdf',
        mimeType: 'application/pdf',
        buffer: pdf,
      });
    }
    await Promise.all([
      page.waitForURL(/\?receipt=/),
      page.getByRole('button', { name: 'Gửi', exact: true }).click(),
    ]);

    expect(new URL(page.url()).searchParams.get('receipt')).toBe(RECEIPT);
    expect(await page.getByRole('status').innerText()).toBe(
      `Đã tiếp nhận. Số tiếp nhận: ${RECEIPT}. Thư xác nhận sẽ được gửi tới đơn vị.`,
    );
    expect(await page.locator('main').innerText()).toContain('Đã gửi, đang chờ xem xét');
    expect(await page.locator('form[method=post]').count()).toBe(0);
    await screenshot(page, 'receipt-phone');
    await measureLayout(page, 'receipt (phone)');

    const desktop = await open('desktop', page.url());
    expect(await desktop.page.getByRole('status').innerText()).toContain(RECEIPT);
    await screenshot(desktop.page, 'receipt-desktop');
    await desktop.page.close();

    const stored = await stack.database.db.prisma.submission.findMany({
      select: { receiptNumber: true, submittedBy: true },
    });
    expect(stored).toEqual([{ receiptNumber: RECEIPT, submittedBy: 'Trần Thanh Hà' }]);
    if (attaching) {
      // The file is recorded with the submission, and the very bytes the browser sent are in the store.
      const attachments = await stack.database.db.prisma.attachment.findMany();
      expect(attachments).toHaveLength(1);
      const [kept] = attachments;
      expect(kept).toMatchObject({
        fileName: 'ke-hoach-12-KH-SYT.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        sha256: createHash('sha256').update(pdf).digest('hex'),
      });
      expect(readFileSync(join(stack.files.root, kept!.storagePath)).equals(pdf)).toBe(true);
      expect(await page.locator('main').innerText()).toContain('ke-hoach-12-KH-SYT.pdf');
    }

    await page.close();

    const receipts = await stack.mail.waitFor((m) => m.Subject.startsWith('Đã tiếp nhận'), 1);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.Subject).toContain(RECEIPT);
    expect(receipts[0]!.To.map((to) => to.Address)).toContain('ha.tt@soyt.dienbien.example');
  });

  it('shows an altered link a page that says so, with status 403, on a phone and a desktop', async () => {
    const token = link.split('/').at(-1)!;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, a: 'SO-TP' })).toString('base64url')}.${signature}`;
    for (const kind of ['phone', 'desktop'] as const) {
      const { page, status } = await open(kind, `${stack.base}/nhiem-vu/${tampered}`);
      expect(status).toBe(403);
      expect(await page.locator('h1').innerText()).toBe('Không mở được nhiệm vụ');
      expect(await page.locator('.error').innerText()).toContain(
        'đã bị sửa đổi hoặc không do hệ thống này cấp',
      );
      expect(await page.locator('form').count()).toBe(0);
      await screenshot(page, `invalid-link-${kind}`);
      await measureLayout(page, `invalid link (${kind})`);
      await page.close();
    }
    // Nothing changed: still the one submission.
    expect(await stack.database.db.prisma.submission.count()).toBe(1);
  });

  it('fits every page it showed into its viewport, 375 px wide on the phone: nothing to scroll sideways', () => {
    expect(Object.keys(layouts).sort()).toEqual([
      'invalid link (desktop)',
      'invalid link (phone)',
      'receipt (phone)',
      'task page (desktop)',
      'task page (phone)',
      'task page in English (phone)',
    ]);
    const none: Overflow = { pixels: 0, culprits: [] };
    // On failure: how far each page scrolls sideways, and the elements sticking out past the right edge.
    expect(layouts).toEqual(Object.fromEntries(Object.keys(layouts).map((what) => [what, none])));
  });
});
