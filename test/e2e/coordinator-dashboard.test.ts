import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { addUser } from '../../src/auth/users';
import { localInstant } from '../../src/cycle/clock';
import { agencyWorkflowId } from '../../src/workflows/obligation-types';
import {
  horizontalOverflow,
  launchBrowser,
  PHONE,
  screenshot,
  SCREENSHOT_DIR,
  scrollBoxes,
  writeLayoutReport,
  type E2EBrowser,
  type Overflow,
} from './support/browser';
import { minimalPdf } from './support/pdf';
import { PROGRAM, startStack, YEAR, type E2EStack, type StackAgency } from './support/stack';
import { findProgram } from '../../src/programs/find';
import type { UpdateDefinition } from '@temporalio/client';
import {
  extendUpdate,
  returnUpdate,
  statusQuery,
  submitUpdate,
  waiveUpdate,
} from '../../src/workflows/messages/agency-obligations';

const PROGRAM_TITLE = findProgram(PROGRAM).definition.title.vi;

const YT: StackAgency = { code: 'SO-YT', name: 'Sở Y tế', group: 'department' };
const YT_EMAIL = 'ha.tt@soyt.dienbien.example';
/**
 * The other agencies of the cycle and the state each is in on Thu 18/02/2027, with Plan 99's annual plan
 * due Fri 12/02 (reminders 29/01, 03/02, 12/02; overdue notice Mon 15/02, heads Wed 17/02, leadership
 * Fri 19/02). The coordinator's set-up actions on 20/01 go through the workflow's own Updates, the ones the
 * dashboard's buttons call.
 */
const OTHERS: (StackAgency & { state: string; label: string })[] = [
  // Nothing done: overdue since 15/02, its head written to on 17/02.
  { code: 'SO-TP', name: 'Sở Tư pháp', group: 'department', state: 'escalated', label: 'Đã đôn đốc' },
  // Extended to Wed 17/02: the overdue notice of Thu 18/02 went out, the heads' is for 22/02.
  {
    code: 'SO-GDDT',
    name: 'Sở Giáo dục và Đào tạo',
    group: 'department',
    state: 'overdue',
    label: 'Quá hạn',
  },
  // Extended to Wed 24/02: the reminder five working days before went out on Wed 17/02.
  {
    code: 'UBND-P-DIENBIENPHU',
    name: 'Ủy ban nhân dân phường Điện Biên Phủ',
    group: 'commune_committee',
    state: 'reminded',
    label: 'Đã nhắc',
  },
  // Extended to 31/03: no reminder yet.
  { code: 'SO-NV', name: 'Sở Nội vụ', group: 'department', state: 'requested', label: 'Đã đề nghị' },
  // Submitted, waiting for review.
  {
    code: 'SO-TC',
    name: 'Sở Tài chính',
    group: 'department',
    state: 'submitted',
    label: 'Đã nộp, chờ xem xét',
  },
  // Submitted, returned with a new due date of 31/03.
  {
    code: 'SO-KHCN',
    name: 'Sở Khoa học và Công nghệ',
    group: 'department',
    state: 'returned',
    label: 'Đã trả lại',
  },
  // Waived.
  {
    code: 'SO-DTTG',
    name: 'Sở Dân tộc và Tôn giáo',
    group: 'department',
    state: 'waived',
    label: 'Được miễn',
  },
];
const COORDINATOR = { login: 'huong', name: 'Lò Thị Hương', password: 'Mường Thanh 2027' };
const VIEWER = { login: 'xem', name: 'Quàng Văn Xem', password: 'chỉ xem thôi nhé' };
const BY = `coordinator:${COORDINATOR.login}`;
const RETURN_REASON = 'Thiếu phần kinh phí thực hiện và chữ ký của Giám đốc Sở';

/**
 * The coordinator's review loop, in a real headless Chromium against the real stack (Temporal's
 * time-skipping server with the project's worker, Mailpit, SQLite, the web server): an agency opens the
 * link from its request email and submits a PDF; the coordinator logs in, finds the submission on the
 * cycle's matrix, downloads the very file, returns it with a reason; the agency sees the reason on the same
 * link and sends again; the coordinator accepts. Then, weeks later on the (skipped) clock, the matrix shows
 * each state an agency can be in, with its label and the counts; a viewer sees no buttons and a forged
 * action from the viewer's page is refused. Screenshots (phone and desktop) go to test-results/screenshots/;
 * no dashboard page may scroll sideways on a 375 px phone.
 */
describe('a coordinator, in a browser, reviews an agency’s submission from the matrix to acceptance', () => {
  let stack: E2EStack;
  let browser: E2EBrowser;
  /** The coordinator's phone and desktop (each its own cookies, so its own session). */
  let coordPhone: BrowserContext;
  let coordDesktop: BrowserContext;
  let viewerDesktop: BrowserContext;
  /** The task link, exactly as Sở Y tế's request email carries it. */
  let link: string;
  const firstPdf = minimalPdf('Ke hoach so 12/KH-SYT nam 2027');
  const secondPdf = minimalPdf('Ke hoach so 12/KH-SYT nam 2027 (bo sung kinh phi)');
  const matrixPath = () => `/quan-ly/chu-ky/${stack.seeded.cycleId}`;
  const agencyPath = (code: string) => `${matrixPath()}/don-vi/${code}`;

  beforeAll(async () => {
    // The pages' "today" is Wed 20/01/2027, five days after the requests went out.
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startStack({ name: 'coordinator-dashboard', pageTime: localInstant('2027-01-20', 10) }),
    ]);
    [coordPhone, coordDesktop, viewerDesktop] = await Promise.all([
      browser.newContext('phone'),
      browser.newContext('desktop'),
      browser.newContext('desktop'),
    ]);
    // The dashboard's users, made with the project's own function (the one `phoihop user add` calls).
    await addUser(stack.database.db, { ...COORDINATOR, role: 'coordinator' });
    await addUser(stack.database.db, { ...VIEWER, role: 'viewer' });

    await Promise.all(
      [YT, ...OTHERS].map((a) => stack.startAgency({ code: a.code, name: a.name, group: a.group })),
    );
    await stack.advanceTo('2027-01-20', 10);
    await waitFor(
      'the eight requests',
      async () =>
        (await stack.database.db.prisma.notification.count({
          where: { status: 'sent', step: 'annual-plan:r0:request' },
        })) ===
        1 + OTHERS.length,
    );
    link = await stack.taskLinkFromEmail(YT_EMAIL);

    const update = <Ret, Arg>(code: string, def: UpdateDefinition<Ret, [Arg]>, arg: Arg) =>
      stack.handle(code).executeUpdate(def, { args: [arg] });
    const annualPlan = { milestone: 'annual-plan' };
    const submit = (code: string) =>
      update(code, submitUpdate, {
        ...annualPlan,
        submittedBy: 'Văn thư',
        summary: `Kế hoạch năm 2027 của ${code}`,
      });
    await Promise.all([
      update('SO-GDDT', extendUpdate, {
        ...annualPlan,
        by: BY,
        until: '2027-02-17',
        reason: 'Chờ sáp nhập trường',
      }),
      update('UBND-P-DIENBIENPHU', extendUpdate, {
        ...annualPlan,
        by: BY,
        until: '2027-02-24',
        reason: 'Mới sáp nhập',
      }),
      update('SO-NV', extendUpdate, { ...annualPlan, by: BY, until: '2027-03-31', reason: 'Chờ hướng dẫn' }),
      submit('SO-TC'),
      submit('SO-KHCN').then(() =>
        update('SO-KHCN', returnUpdate, {
          ...annualPlan,
          by: BY,
          reason: 'Thiếu số liệu',
          until: '2027-03-31',
        }),
      ),
      update('SO-DTTG', waiveUpdate, { ...annualPlan, by: BY, reason: 'Không có nhiệm vụ này năm 2027' }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stage(code: string): Promise<string> {
    return (await stack.handle(code).query(statusQuery)).obligations[0]!.stage;
  }

  /** Opens `path` (or a full URL) in a new tab of `context`; expects `status`. */
  async function open(context: BrowserContext, path: string, status = 200): Promise<Page> {
    const page = await context.newPage();
    const response = await page.goto(path.startsWith('http') ? path : `${stack.base}${path}`);
    expect({ url: page.url(), status: response?.status() }).toEqual({ url: page.url(), status });
    return page;
  }

  /** Sideways overflow of every page the tests showed, checked all together by the last test. */
  const layouts: Record<string, Overflow> = {};
  /** The boxes that scroll sideways on their own, per page (allowed; written to the layout report). */
  const swipes: Record<string, string[]> = {};
  async function measureLayout(page: Page, what: string): Promise<void> {
    layouts[what] = await horizontalOverflow(page);
    swipes[what] = await scrollBoxes(page);
  }

  /** Screenshot and layout of `page` under `name`-phone / `name`-desktop. */
  async function record(page: Page, name: string, what: string): Promise<void> {
    const kind = page.viewportSize()?.width === PHONE.width ? 'phone' : 'desktop';
    await screenshot(page, `${name}-${kind}`);
    await measureLayout(page, `${what} (${kind})`);
  }

  /** The same page as the coordinator sees it on the desktop, with its screenshot and layout. */
  async function onDesktopToo(path: string, name: string, what: string): Promise<Page> {
    const page = await open(coordDesktop, path);
    await record(page, name, what);
    return page;
  }

  /** Logs in on the login page shown in `page`; lands on the today page. */
  async function logIn(page: Page, who: { login: string; password: string }): Promise<void> {
    await page.getByLabel('Tên đăng nhập').fill(who.login);
    await page.getByLabel('Mật khẩu').fill(who.password);
    await Promise.all([
      page.waitForURL(`${stack.base}/quan-ly/hom-nay`),
      page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
  }

  /** The agency's matrix cell: its state attribute and its text. */
  async function cell(page: Page, code: string): Promise<{ state: string | null; text: string }> {
    const a = page.locator(`table.matrix tr[data-agency="${code}"] a.cell`);
    return { state: await a.getAttribute('data-state'), text: (await a.innerText()).replace(/\s+/g, ' ') };
  }

  /** The counts table: state → the count in the (only) milestone column. */
  async function counts(page: Page): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const row of await page.locator('table.counts tbody tr').all()) {
      out[(await row.getAttribute('data-state'))!] = Number(await row.locator('td').nth(1).innerText());
    }
    return out;
  }

  /** Opens the action's <details> on the agency page, fills its fields and sends it; waits for the result. */
  async function act(page: Page, label: string, fields: { reason?: string; until?: string } = {}) {
    const details = page.locator('details.action', { has: page.locator('summary', { hasText: label }) });
    await details.locator('summary').click();
    if (fields.until) await details.locator('input[name=until]').fill(fields.until);
    if (fields.reason) await details.locator('textarea[name=reason]').fill(fields.reason);
    await Promise.all([
      page.waitForURL(/\?ket-qua=\d+/),
      details.getByRole('button', { name: label, exact: true }).click(),
    ]);
  }

  /** The agency fills the task form (on the phone) with a PDF and sends it; returns the page with the receipt. */
  async function agencySubmits(summary: string, fileName: string, pdf: Buffer): Promise<Page> {
    const page = await open(browser.phone, link);
    await page.locator('input[name=submittedBy]').fill('Trần Thanh Hà');
    await page.locator('textarea[name=summary]').fill(summary);
    await page
      .locator('input[name=attachments]')
      .setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: pdf });
    await Promise.all([
      page.waitForURL(/\?receipt=/),
      page.getByRole('button', { name: 'Gửi', exact: true }).click(),
    ]);
    return page;
  }

  it('takes the agency’s plan with a PDF from the link in its request email, and shows the receipt', async () => {
    const page = await agencySubmits(
      'Kế hoạch số 12/KH-SYT triển khai năm 2027 của Sở Y tế.',
      'ke-hoach-12-KH-SYT.pdf',
      firstPdf,
    );
    expect(await page.getByRole('status').innerText()).toBe(
      'Đã tiếp nhận. Số tiếp nhận: 2027-SO-YT-annual-plan-1. Thư xác nhận sẽ được gửi tới đơn vị.',
    );
    expect(await page.locator('main').innerText()).toContain('ke-hoach-12-KH-SYT.pdf');
    await page.close();
    expect(await stage('SO-YT')).toBe('submitted');
  });

  it('shows the login page, refuses a wrong password, and lets the coordinator in to the cycles list', async () => {
    const phone = await open(coordPhone, '/quan-ly');
    // Not logged in: sent to the login page.
    expect(new URL(phone.url()).pathname).toBe('/quan-ly/dang-nhap');
    expect(await phone.locator('h1').innerText()).toBe('Đăng nhập');
    await record(phone, 'dashboard-login', 'login');

    await phone.getByLabel('Tên đăng nhập').fill(COORDINATOR.login);
    await phone.getByLabel('Mật khẩu').fill('sai mật khẩu');
    const [refused] = await Promise.all([
      phone.waitForResponse((r) => r.request().method() === 'POST'),
      phone.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
    expect(refused.status()).toBe(401);
    await phone.waitForLoadState();
    expect(await phone.getByRole('alert').innerText()).toContain('Tên đăng nhập hoặc mật khẩu không đúng');
    // The login stays filled in, the password does not.
    expect(await phone.getByLabel('Tên đăng nhập').inputValue()).toBe(COORDINATOR.login);
    await record(phone, 'dashboard-login-refused', 'login refused');

    await logIn(phone, COORDINATOR);
    const header = await phone.locator('header').innerText();
    expect(header).toContain(`Đang đăng nhập: ${COORDINATOR.name} (huong, Điều phối viên)`);
    // A login leads to what needs the coordinator today; the cycles are one link away.
    expect(await phone.locator('h1').innerText()).toBe('Việc cần xử lý hôm nay');
    await Promise.all([
      phone.waitForURL(`${stack.base}/quan-ly`),
      phone.getByRole('link', { name: 'Các chu trình' }).click(),
    ]);
    expect(await phone.locator('h1').innerText()).toBe('Các chu trình');
    // The program as people name it: its document's number under its title.
    const row = phone.locator('main table tbody tr', { hasText: 'Kế hoạch số 99/KH-UBND' });
    expect(await row.innerText()).toContain(String(YEAR));
    expect(await row.innerText()).toContain('Đang chạy');
    await record(phone, 'dashboard-cycles', 'cycles list');
    await phone.close();

    const desktop = await open(coordDesktop, '/quan-ly/dang-nhap');
    await record(desktop, 'dashboard-login', 'login');
    await logIn(desktop, COORDINATOR);
    await desktop.goto(`${stack.base}/quan-ly`);
    await record(desktop, 'dashboard-cycles', 'cycles list');
    await desktop.close();
  });

  it('opens the cycle’s matrix from the list: Sở Y tế’s cell shows the submission', async () => {
    const page = await open(coordPhone, '/quan-ly');
    await Promise.all([
      page.waitForURL(`${stack.base}${matrixPath()}`),
      page.getByRole('link', { name: PROGRAM_TITLE }).click(),
    ]);
    expect(await page.locator('h1').innerText()).toBe(`Bảng theo dõi: ${PROGRAM} ${YEAR}`);
    expect(await cell(page, 'SO-YT')).toEqual({
      state: 'submitted',
      text: 'Đã nộp, chờ xem xét Hạn 12/02/2027',
    });
    expect(await page.locator('main').innerText()).toContain(
      `Hiển thị ${1 + OTHERS.length} / ${1 + OTHERS.length} đơn vị.`,
    );
    await record(page, 'dashboard-matrix', 'matrix');
    await page.close();
    await (await onDesktopToo(matrixPath(), 'dashboard-matrix', 'matrix')).close();
  });

  it('opens the agency page from the cell, downloads the very PDF sent, and returns it with a reason', async () => {
    const matrix = await open(coordPhone, matrixPath());
    await Promise.all([
      matrix.waitForURL(`${stack.base}${agencyPath('SO-YT')}#m-annual-plan`),
      matrix.locator('tr[data-agency="SO-YT"] a.cell').click(),
    ]);
    const page = matrix;
    expect(await page.locator('h1').innerText()).toBe('Sở Y tế');
    const milestone = page.locator('#m-annual-plan');
    expect(await milestone.locator('[data-state]').innerText()).toBe('Đã nộp, chờ xem xét');
    const timeline = await page.locator('table.timeline').innerText();
    expect(timeline).toContain('Số tiếp nhận 2027-SO-YT-annual-plan-1');
    expect(timeline).toContain('ke-hoach-12-KH-SYT.pdf');
    expect(await page.locator('details.action summary').allInnerTexts()).toEqual(
      expect.arrayContaining(['Chấp nhận', 'Trả lại để hoàn thiện']),
    );
    await record(page, 'dashboard-agency', 'agency page');

    // On the desktop: the file, downloaded as the browser saves it, is byte for byte what was uploaded.
    const desktop = await onDesktopToo(agencyPath('SO-YT'), 'dashboard-agency', 'agency page');
    const [download] = await Promise.all([
      desktop.waitForEvent('download'),
      desktop.getByRole('link', { name: 'ke-hoach-12-KH-SYT.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('ke-hoach-12-KH-SYT.pdf');
    expect(readFileSync(await download.path()).equals(firstPdf)).toBe(true);
    await desktop.close();

    // Back on the phone: return it for revision, with a reason and a new due date.
    await act(page, 'Trả lại để hoàn thiện', { reason: RETURN_REASON, until: '2027-02-26' });
    expect(await page.getByRole('status').innerText()).toBe(
      'Đã thực hiện: Trả lại để hoàn thiện – Kế hoạch triển khai.',
    );
    expect(await milestone.locator('[data-state]').innerText()).toBe('Đã trả lại');
    expect(await page.locator('main').innerText()).toContain(`Lý do: ${RETURN_REASON}`);
    await record(page, 'dashboard-agency-returned', 'agency page after returning');
    await page.close();

    expect(await stage('SO-YT')).toBe('returned');
    const audit = await stack.database.db.prisma.auditEvent.findMany({
      where: { subject: `${agencyWorkflowId(PROGRAM, YEAR, 'SO-YT')}:annual-plan` },
    });
    expect(audit.map((a) => [a.actor, a.action, a.details])).toEqual([
      [
        BY,
        'obligation.return',
        expect.objectContaining({ outcome: 'done', reason: RETURN_REASON, until: '2027-02-26' }),
      ],
    ]);
  });

  it('shows the agency, on the same link, the reason and the form again; the agency sends again', async () => {
    const phone = await open(browser.phone, link);
    const returned = await phone.locator('#returned').innerText();
    expect(returned).toContain('Văn bản được trả lại để hoàn thiện');
    expect(returned).toContain(`Lý do: ${RETURN_REASON}`);
    expect(returned).toContain('Hạn gửi mới: 26/02/2027');
    await expect(phone.locator('textarea[name=summary]').isEditable()).resolves.toBe(true);
    await record(phone, 'task-returned', 'returned task page');
    await phone.close();
    const desktop = await open(browser.desktop, link);
    expect(await desktop.locator('#returned').innerText()).toContain(RETURN_REASON);
    await record(desktop, 'task-returned', 'returned task page');
    await desktop.close();

    const page = await agencySubmits(
      'Kế hoạch số 12/KH-SYT, bổ sung phần kinh phí, có chữ ký của Giám đốc Sở.',
      'ke-hoach-12-KH-SYT-bo-sung.pdf',
      secondPdf,
    );
    expect(await page.getByRole('status').innerText()).toContain('2027-SO-YT-annual-plan-2');
    expect(await page.locator('#returned').count()).toBe(0);
    await page.close();
    expect(await stage('SO-YT')).toBe('submitted');
  });

  it('accepts the new submission; the matrix then shows Sở Y tế’s cell as accepted', async () => {
    const page = await open(coordPhone, agencyPath('SO-YT'));
    expect(await page.locator('#m-annual-plan [data-state]').innerText()).toBe('Đã nộp, chờ xem xét');
    expect(await page.locator('table.timeline').innerText()).toContain('ke-hoach-12-KH-SYT-bo-sung.pdf');
    await act(page, 'Chấp nhận');
    expect(await page.getByRole('status').innerText()).toBe('Đã thực hiện: Chấp nhận – Kế hoạch triển khai.');
    expect(await page.locator('#m-annual-plan [data-state]').innerText()).toBe('Đã chấp nhận');
    // Nothing more to do on this obligation.
    expect(await page.locator('details.action').count()).toBe(0);
    await measureLayout(page, 'agency page after accepting (phone)');
    expect(await stage('SO-YT')).toBe('accepted');

    await Promise.all([
      page.waitForURL(`${stack.base}${matrixPath()}`),
      page.getByRole('link', { name: /bảng theo dõi/i }).click(),
    ]);
    expect(await cell(page, 'SO-YT')).toEqual({ state: 'accepted', text: 'Đã chấp nhận Hạn 26/02/2027' });
    await record(page, 'dashboard-matrix-accepted', 'matrix after accepting');
    await page.close();
    await (await onDesktopToo(matrixPath(), 'dashboard-matrix-accepted', 'matrix after accepting')).close();
  });

  it('four weeks on, shows each agency’s state on the matrix with its label, and the counts', async () => {
    await stack.advanceTo('2027-02-18', 12);
    const sent = async (code: string, step: string) =>
      (await stack.database.db.prisma.notification.count({
        where: { workflowId: agencyWorkflowId(PROGRAM, YEAR, code), status: 'sent', step },
      })) > 0;
    await waitFor('the heads’ escalation to Sở Tư pháp', () => sent('SO-TP', 'annual-plan:r0:escalate-head'));
    await waitFor('the overdue notice to Sở GD&ĐT', () => sent('SO-GDDT', 'annual-plan:r1:overdue'));
    await waitFor('the reminder to the ward', () => sent('UBND-P-DIENBIENPHU', 'annual-plan:r1:remind-5'));

    // The sessions of 20/01 are over: the matrix sends the coordinator to the login page, which says why.
    const page = await open(coordPhone, matrixPath());
    expect(new URL(page.url()).pathname).toBe('/quan-ly/dang-nhap');
    expect(await page.getByRole('alert').innerText()).toBe(
      'Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.',
    );
    await measureLayout(page, 'login, session ended (phone)');
    await logIn(page, COORDINATOR);
    await page.goto(`${stack.base}${matrixPath()}`);

    const expected = { 'SO-YT': 'Đã chấp nhận', ...Object.fromEntries(OTHERS.map((o) => [o.code, o.label])) };
    const shown: Record<string, string> = {};
    for (const code of Object.keys(expected))
      shown[code] = (await cell(page, code)).text.replace(/ Hạn .*$/, '');
    expect(shown).toEqual(expected);
    for (const o of OTHERS)
      expect({ [o.code]: (await cell(page, o.code)).state }).toEqual({ [o.code]: o.state });
    expect(await counts(page)).toEqual({
      pending: 0,
      requested: 1,
      reminded: 1,
      overdue: 1,
      escalated: 1,
      submitted: 1,
      returned: 1,
      accepted: 1,
      waived: 1,
      cancelled: 0,
    });
    // The legend names every state.
    expect(await page.locator('ul.legend li').allInnerTexts()).toEqual(
      expect.arrayContaining(['Đã nhắc', 'Quá hạn', 'Đã đôn đốc', 'Đã trả lại', 'Đã chấp nhận', 'Được miễn']),
    );
    await record(page, 'dashboard-matrix-states', 'matrix with every state');
    // On the phone the matrix and its counts are cards: every milestone reached without any box
    // scrolling sideways, each cell labelled with its milestone.
    expect(
      swipes['matrix with every state (phone)']!.filter((s) => /table\.(matrix|counts)/.test(s)),
    ).toEqual([]);
    const firstCell = page.locator('table.matrix tbody tr td').first();
    expect(await firstCell.getAttribute('data-label')).toBeTruthy();
    await page.close();

    const desktop = await open(coordDesktop, '/quan-ly/dang-nhap');
    await logIn(desktop, COORDINATOR);
    await desktop.goto(`${stack.base}${matrixPath()}`);
    await record(desktop, 'dashboard-matrix-states', 'matrix with every state');
    await desktop.close();
  });

  it('draws the milestone’s progress charts on the matrix, each with its text alternative and its table', async () => {
    for (const context of [coordPhone, coordDesktop]) {
      const page = await open(context, matrixPath());
      const kind = page.viewportSize()?.width === PHONE.width ? 'phone' : 'desktop';
      // The accepted split into on time and late, and the on-time rate (on time / owed: 3 of 7, the
      // waived one not owed; Sở Y tế, Sở Tài chính and Sở KH&CN sent on 20/01, before the due date).
      const row = async (selector: string) =>
        (await page.locator(`table.counts tfoot tr${selector} td`).allInnerTexts()).map((t) => t.trim());
      expect(await row('[data-state="accepted-on-time"]')).toEqual(['Đã chấp nhận, đúng hạn', '1']);
      expect(await row('[data-state="accepted-late"]')).toEqual(['Đã chấp nhận, muộn', '0']);
      expect(await row('[data-rate]')).toEqual(['42,9%']);

      const charts = page.locator('#bieu-do');
      expect(await charts.locator('h2').innerText()).toBe('Biểu đồ tiến độ: Kế hoạch triển khai');
      // States by group: a stacked bar per group, its numbers in the table beside it.
      const states = charts.locator('figure[data-chart="states"]');
      const svg = states.locator('svg[role="img"]');
      expect(await svg.locator('title').textContent()).toBe(
        'Trạng thái theo nhóm đơn vị: Kế hoạch triển khai',
      );
      expect(await svg.locator('desc').textContent()).toContain(
        'Sở, ban, ngành: Đã đề nghị 1, Quá hạn 1, Đã đôn đốc 1, Đã nộp, chờ xem xét 1, Đã trả lại 1, Đã chấp nhận 1, Được miễn 1 (Tổng 7)',
      );
      expect(await svg.locator('rect[data-series]').count()).toBe(8);
      expect(await states.locator('table.chart-data thead th').allInnerTexts()).toEqual([
        'Nhóm đơn vị',
        'Đã đề nghị',
        'Đã nhắc',
        'Quá hạn',
        'Đã đôn đốc',
        'Đã nộp, chờ xem xét',
        'Đã trả lại',
        'Đã chấp nhận',
        'Được miễn',
        'Tổng',
      ]);
      const tableRows = async (figure: typeof states) =>
        Promise.all(
          (await figure.locator('table.chart-data tbody tr').all()).map(async (tr) =>
            (await tr.locator('th, td').allInnerTexts()).map((t) => t.trim()),
          ),
        );
      expect(await tableRows(states)).toEqual([
        ['Sở, ban, ngành', '1', '0', '1', '1', '1', '1', '1', '1', '7'],
        ['UBND cấp xã', '0', '1', '0', '0', '0', '0', '0', '0', '1'],
      ]);
      // Submissions over time: the due date (Fri 12/02) and the three escalation steps marked, a point per
      // day with submissions, the same numbers in the table.
      const over = charts.locator('figure[data-chart="submissions"]');
      const marks = over.locator('svg line[data-mark]');
      expect(
        await Promise.all(
          (await marks.all()).map(
            async (m) => `${await m.getAttribute('data-mark')} ${await m.getAttribute('data-on')}`,
          ),
        ),
      ).toEqual(['due 2027-02-12', 'step 2027-02-15', 'step 2027-02-17', 'step 2027-02-19']);
      const points = await over.locator('svg circle[data-count]').all();
      const overRows = await tableRows(over);
      expect(overRows.length).toBe(points.length);
      expect(overRows.at(-1)?.[1]).toBe(`${await points.at(-1)!.getAttribute('data-count')}/7 đơn vị đã gửi`);
      // The on-time rate by group (no 2026 cycle: this year's bars only).
      const onTime = charts.locator('figure[data-chart="on-time"]');
      expect(await tableRows(onTime)).toEqual([
        ['Sở, ban, ngành', '50,0%'],
        ['UBND cấp xã', '0,0%'],
      ]);
      await states.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-matrix-chart-${kind}.png`) });
      await record(page, 'dashboard-matrix-charts', 'matrix charts');
      await page.close();
    }
  });

  it('gives a viewer no action buttons, and refuses an action forged from the viewer’s page with 403', async () => {
    const page = await open(viewerDesktop, '/quan-ly/dang-nhap');
    await logIn(page, VIEWER);
    await page.goto(`${stack.base}${agencyPath('SO-TC')}`);
    expect(await page.locator('h1').innerText()).toBe('Sở Tài chính');
    expect(await page.locator('#m-annual-plan [data-state]').innerText()).toBe('Đã nộp, chờ xem xét');
    expect(await page.locator('main').innerText()).toContain('Bạn chỉ có quyền xem.');
    expect(await page.locator('main button, main details.action, main form[method=post]').count()).toBe(0);
    await record(page, 'dashboard-agency-viewer', 'agency page for a viewer');

    // The same request the coordinator's "Chấp nhận" button sends, with the viewer's own valid CSRF token
    // (from the logout form), made up by a script in the viewer's page. fetch() is not even allowed to
    // leave the page (the pages' Content-Security-Policy has no connect-src)…
    const audits = await stack.database.db.prisma.auditEvent.count();
    const acceptUrl = `${agencyPath('SO-TC')}/accept`;
    const fields = `{
      _csrf: document.querySelector('header input[name=_csrf]').value,
      key: ${JSON.stringify(randomUUID())},
      milestone: 'annual-plan',
    }`;
    expect(
      await page.evaluate(`fetch(${JSON.stringify(acceptUrl)}, {
        method: 'POST', body: new URLSearchParams(${fields}),
      }).then((r) => 'sent: ' + r.status, (e) => 'blocked: ' + e.name)`),
    ).toBe('blocked: TypeError');
    // …so a form, built and submitted by the script, as a forged button would be.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(acceptUrl)),
      page.evaluate(`(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = ${JSON.stringify(acceptUrl)};
        for (const [name, value] of Object.entries(${fields})) {
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
    const forged = { status: response.status(), text: await response.text() };
    await page.waitForLoadState();
    await record(page, 'dashboard-forbidden', 'refusal page');
    expect(forged.status).toBe(403);
    expect(forged.text).toContain(
      'Tài khoản của bạn không có quyền thực hiện thao tác này. Không có gì thay đổi.',
    );
    expect(await stage('SO-TC')).toBe('submitted');
    expect(await stack.database.db.prisma.auditEvent.count()).toBe(audits);
    await page.close();
  });

  it('fits every dashboard page it showed into its viewport, 375 px wide on the phone: nothing to scroll sideways', () => {
    expect(
      Object.keys(layouts)
        .filter((k) => k.endsWith('(phone)'))
        .sort(),
    ).toEqual([
      'agency page (phone)',
      'agency page after accepting (phone)',
      'agency page after returning (phone)',
      'cycles list (phone)',
      'login (phone)',
      'login refused (phone)',
      'login, session ended (phone)',
      'matrix (phone)',
      'matrix after accepting (phone)',
      'matrix charts (phone)',
      'matrix with every state (phone)',
      'returned task page (phone)',
    ]);
    writeLayoutReport('layout-coordinator-dashboard', { overflow: layouts, scrollingBoxes: swipes });
    const none: Overflow = { pixels: 0, culprits: [] };
    // On failure: how far each page scrolls sideways, and the elements sticking out past the right edge.
    expect(layouts).toEqual(Object.fromEntries(Object.keys(layouts).map((what) => [what, none])));
  });
});
