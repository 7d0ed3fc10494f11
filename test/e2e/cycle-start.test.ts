import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { createTimeSkippingEnv } from '../support/temporal';
import { freshDatabase, type TestDatabase } from '../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../support/mailpit';
import { testFiles } from '../support/files';
import { TEST_FROM, TEST_LINKS } from '../support/worker';
import {
  horizontalOverflow,
  launchBrowser,
  PHONE,
  screenshot,
  writeLayoutReport,
  type E2EBrowser,
  type Overflow,
} from './support/browser';
import { addUser } from '../../src/auth/users';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { createWorker, type PhoihopWorker } from '../../src/temporal/create-worker';
import { importDirectoryFile } from '../../src/directory/import-file';
import { buildWebServer } from '../../src/web/server';
import { computePlan } from '../../src/cycle/compute-plan';
import { findProgram } from '../../src/programs/find';
import { localInstant } from '../../src/cycle/clock';

const PROGRAM = 'dien-bien-kh99';
const YEAR = 2027;
const COORDINATOR = { login: 'huong', name: 'Lò Thị Hương', password: 'Mường Thanh 2027' };
/** The focal points of the agencies Plan 99 asks (test/fixtures/directory-small.csv, not the lead). */
const FOCAL_POINTS = [
  'on.vv@sotp.dienbien.example',
  'ha.tt@soyt.dienbien.example',
  'dung.lm@dienbienphu.phuong.dienbien.example',
];

/**
 * A coordinator starts Plan 99's 2027 cycle from the dashboard in Debian's Chromium, on a phone: the start
 * page's preview (timeline, agencies per group), the confirmation, and then, once the (skipped) time reaches
 * the request date, the request emails in Mailpit. The start, schedule and cancel pages are photographed at
 * phone and desktop widths, none scrolling sideways. The real worker on Temporal's time-skipping server,
 * SQLite, Mailpit, the web server: all on loopback.
 */
describe('starting a cycle from the dashboard (browser)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: TestMailServer;
  let mail: MailpitApi;
  let mailer: Mailer;
  let worker: PhoihopWorker;
  let running: Promise<void>;
  let app: FastifyInstance;
  let base: string;
  let browser: E2EBrowser;
  const files = testFiles();
  const taskQueue = `e2e-cycle-start-${randomUUID()}`;
  const layouts: Record<string, Overflow> = {};

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'e2e_cycle_start');
    await importDirectoryFile(
      database.db,
      join(__dirname, '../fixtures/directory-small.csv'),
      '2025-07-01',
      'test',
    );
    await addUser(database.db, { ...COORDINATOR, role: 'coordinator' });
    smtp = await startMailpit();
    mail = new MailpitApi(smtp.apiUrl);
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    app = buildWebServer({ db: database.db, links: TEST_LINKS, files, temporal: env.client, taskQueue });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      maxEmailsPerSecond: 1000,
      deps: {
        db: database.db,
        mailer,
        from: TEST_FROM,
        links: { publicUrl: base, secret: TEST_LINKS.secret },
        filesRoot: files.root,
      },
    });
    running = worker.run();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await env?.client.workflow
      .getHandle(`cycle:${PROGRAM}:${YEAR}`)
      .terminate('test done')
      .catch(() => undefined);
    worker?.shutdown();
    await running;
    await app?.close();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  /** Screenshot and sideways overflow of `page` under `name`-phone / `name`-desktop. */
  async function record(page: Page, name: string): Promise<void> {
    const kind = page.viewportSize()?.width === PHONE.width ? 'phone' : 'desktop';
    await screenshot(page, `${name}-${kind}`);
    layouts[`${name} (${kind})`] = await horizontalOverflow(page);
  }

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${base}/quan-ly/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(COORDINATOR.login);
    await page.getByLabel('Mật khẩu').fill(COORDINATOR.password);
    await Promise.all([
      // A coordinator of every program lands on the day's work.
      page.waitForURL(`${base}/quan-ly/hom-nay`),
      page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
  }

  async function preview(page: Page): Promise<void> {
    await page.getByRole('navigation').getByRole('link', { name: 'Khởi động & lịch' }).click();
    await page.getByLabel('Kế hoạch').selectOption(PROGRAM);
    await page.getByLabel('Năm', { exact: true }).fill(String(YEAR));
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await page.locator('table.timeline').waitFor();
  }

  it('previews and starts the 2027 cycle on a phone; the request emails arrive', async () => {
    const phone = await browser.phone.newPage();
    await logIn(phone);
    await preview(phone);
    const plan = computePlan(findProgram(PROGRAM), YEAR);
    expect(await phone.locator('table.timeline tr[data-event]').count()).toBeGreaterThan(
      plan.milestones.length,
    );
    expect(await phone.locator('tr[data-group="total"]').innerText()).toMatch(/Tổng cộng\s+4/);
    await record(phone, 'cycle-start-preview');

    const desktop = await browser.desktop.newPage();
    await logIn(desktop);
    await preview(desktop);
    await record(desktop, 'cycle-start-preview');

    await phone.getByLabel('Tôi đã xem lịch trình và danh sách đơn vị').check();
    await phone.getByRole('button', { name: 'Khởi động chu trình' }).click();
    await phone.getByRole('status').waitFor();
    expect(await phone.getByRole('status').innerText()).toContain(
      `Đã khởi động chu trình năm ${YEAR} của kế hoạch ${PROGRAM}.`,
    );
    await record(phone, 'cycle-start-started');

    // The cycle's activity stores it; then the (skipped) time runs to the request date.
    let cycleId = 0;
    for (let i = 0; i < 300 && !cycleId; i++) {
      cycleId = (await database.db.prisma.cycle.findFirst({ where: { year: YEAR } }))?.id ?? 0;
      if (!cycleId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(cycleId).toBeGreaterThan(0);
    const requestOn = plan.milestones[0]!.requestOn;
    await env.sleep(localInstant(requestOn, 12) - (await env.currentTimeMs()));
    const arrived = await mail.waitFor(
      (m) => m.To.some((to) => FOCAL_POINTS.includes(to.Address)),
      FOCAL_POINTS.length,
      60_000,
    );
    expect(new Set(arrived.flatMap((m) => m.To.map((to) => to.Address)))).toEqual(new Set(FOCAL_POINTS));

    // The cycles list has it; its cancel page and the schedules page, at both widths.
    for (const page of [phone, desktop]) {
      await page.goto(`${base}/quan-ly`);
      await page.locator(`a[href="/quan-ly/chu-ky/${cycleId}"]`).first().waitFor();
      await page.goto(`${base}/quan-ly/chu-ky/${cycleId}/huy`);
      await page.getByLabel('Lý do hủy').waitFor();
      await record(page, 'cycle-cancel');
      await page.goto(`${base}/quan-ly/lich-khoi-dong`);
      await page.locator(`section[data-program="${PROGRAM}"]`).waitFor();
      await record(page, 'cycle-schedules');
    }
  });

  it('no page scrolls sideways at 375 px or on the desktop', () => {
    writeLayoutReport('cycle-start-layout', layouts);
    expect(Object.keys(layouts).length).toBeGreaterThanOrEqual(7);
    const overflowing = Object.entries(layouts).filter(([, o]) => o.pixels > 0);
    expect(overflowing).toEqual([]);
  });
});
