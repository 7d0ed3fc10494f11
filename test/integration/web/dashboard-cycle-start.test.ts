import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createLocalEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { startMailpit, type TestMailServer } from '../../support/mailpit';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { Browser, listening, loggedIn, USERS } from './dashboard-browser';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { importDirectoryFile } from '../../../src/directory/import-file';
import { buildWebServer } from '../../../src/web/server';
import { computePlan } from '../../../src/cycle/compute-plan';
import { findProgram } from '../../../src/programs/find';
import { planEvents } from '../../../src/cycle/plan';

const PROGRAM = 'dien-bien-kh99';
const YEAR = 2027;
const WORKFLOW = `cycle:${PROGRAM}:${YEAR}`;
const FIXTURE = join(__dirname, '../../fixtures/directory-small.csv');

/** A form of a page: its action and every hidden and text field with its value. */
function formOf(html: string, action: RegExp): { url: string; fields: Record<string, string> } {
  for (const m of html.matchAll(/<form class="stack" method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)) {
    if (!action.test(m[1]!)) continue;
    const fields: Record<string, string> = {};
    for (const input of m[2]!.matchAll(/<input ([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1]!)?.[1];
      const value = /value="([^"]*)"/.exec(input[1]!)?.[1];
      if (name && !input[1]!.includes('type="checkbox"')) fields[name] = value ?? '';
    }
    return { url: m[1]!.replace(/&amp;/g, '&'), fields };
  }
  throw new Error(`no form posting to ${String(action)}`);
}

/**
 * Starting and cancelling a year's cycle from the dashboard, over HTTP, against the real worker on a Temporal
 * dev server (real time: the 2027 cycle is prepared at once and then waits for its dates), SQLite and a
 * real SMTP server: the preview (timeline, agencies per group, joined and left since last year), the start
 * confirmed once, a second start refused with the catalog's words, a stale preview refused, viewers
 * refused; the cancel form refusing a missing reason, then cancelling, all audited.
 */
describe('starting and cancelling a cycle from the dashboard', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let coordinator: Browser;
  let viewer: Browser;
  let dir: string;
  let cycleId = 0;
  const files = testFiles();
  const taskQueue = `dashboard-start-${randomUUID()}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await freshDatabase('sqlite', 'dashboard_cycle_start');
    dir = mkdtempSync(join(tmpdir(), 'phoihop-start-'));
    await importDirectoryFile(database.db, FIXTURE, '2025-07-01', 'test');
    // From mid-2026 the Department of Health is gone and a Department of Home Affairs joined.
    const lines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
    const next = [
      ...lines.filter((l) => !l.startsWith('SO-YT,')),
      'SO-NV,Sở Nội vụ,Department of Home Affairs,department,,Lò Văn Nội,noi.lv@sonv.dienbien.example,Cà Văn Vụ,vu.cv@sonv.dienbien.example,,',
    ];
    writeFileSync(join(dir, 'danh-ba-2026.csv'), `${next.join('\n')}\n`);
    await importDirectoryFile(database.db, join(dir, 'danh-ba-2026.csv'), '2026-06-01', 'test');
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      temporal: env.client,
      taskQueue,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    const base = await listening(app);
    coordinator = await loggedIn(base, database.db, USERS.coordinator);
    viewer = await loggedIn(base, database.db, USERS.viewer);
  });

  afterAll(async () => {
    for (const year of [YEAR, YEAR + 1]) {
      await env?.client.workflow
        .getHandle(`cycle:${PROGRAM}:${year}`)
        .terminate('test done')
        .catch(() => undefined);
    }
    await app?.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const audits = (action: string) =>
    database.db.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });
  const previewPath = `/quan-ly/khoi-dong?program=${PROGRAM}&year=${YEAR}`;

  it('previews the year: the version, the timeline of `cycle plan`, the agencies per group and the changes since last year', async () => {
    const page = await coordinator.html(previewPath);
    const plan = computePlan(findProgram(PROGRAM), YEAR);
    const events = planEvents(plan);
    expect(
      [...page.matchAll(/<tr data-event="(\w+)" data-on="([\d-]+)">/g)].map((m) => [m[1], m[2]]),
    ).toEqual(events.map((e) => [e.what, e.on]));
    expect(page).toContain('Gửi yêu cầu');
    expect(page).toContain(`Phiên bản 1: tệp kế hoạch đã thay đổi`);
    expect(page).toContain(`data-version-hash="${findProgram(PROGRAM).hash}"`);
    // The 2027 directory: SO-TP, SO-VHTTDL (the lead, a department too), SO-NV; one ward.
    expect(page).toMatch(/<tr data-group="department"><td>[^<]+<\/td><td>3<\/td><\/tr>/);
    expect(page).toMatch(/<tr data-group="commune_committee"><td>[^<]+<\/td><td>1<\/td><\/tr>/);
    expect(page).toMatch(
      /<tr data-group="total"><td><strong>Tổng cộng<\/strong><\/td><td><strong>4<\/strong>/,
    );
    expect(page).toContain('Đơn vị mới so với chu trình năm 2026 (1)');
    expect(page).toMatch(/<ul class="joined"><li data-agency="SO-NV">Sở Nội vụ/);
    expect(page).toContain('Đơn vị không còn so với chu trình năm 2026 (1)');
    expect(page).toMatch(/<ul class="left"><li data-agency="SO-YT">Sở Y tế/);
    expect(page).toContain('name="confirm"');

    const en = await coordinator.html(`${previewPath}&lang=en`);
    expect(en).toContain('Agencies new since the 2026 cycle (1)');
    expect(en).toContain('>Request<');

    // A year that is no year: said, nothing previewed.
    const bad = await coordinator.html(`/quan-ly/khoi-dong?program=${PROGRAM}&year=27`);
    expect(bad).toContain('“27” không phải là năm hợp lệ: hãy nhập năm từ 2000 đến 2099.');
    expect(bad).not.toContain('name="confirm"');
  });

  it('a viewer sees the preview without the form, and cannot start', async () => {
    const page = await viewer.html(previewPath);
    expect(page).toContain('Chỉ điều phối viên mới khởi động được chu trình.');
    expect(page).not.toContain('name="confirm"');
    const form = formOf(await coordinator.html(previewPath), /khoi-dong/);
    const res = await viewer.post('/quan-ly/khoi-dong', {
      ...form.fields,
      _csrf: Browser.csrfOf(page),
      confirm: 'on',
    });
    expect(res.status).toBe(403);
    await expect(env.client.workflow.getHandle(WORKFLOW).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(await audits('cycle.start-request')).toEqual([]);
  });

  it('refuses a start without the confirmation, or from a preview of another version, starting nothing', async () => {
    const form = formOf(await coordinator.html(previewPath), /khoi-dong/);
    const unconfirmed = await coordinator.post(form.url, form.fields);
    expect(unconfirmed.status).toBe(303);
    expect(await coordinator.html(unconfirmed.headers.get('location')!)).toContain(
      'Chưa khởi động: Cần đánh dấu ô xác nhận trước khi gửi.',
    );
    const stale = formOf(await coordinator.html(previewPath), /khoi-dong/);
    const res = await coordinator.post(stale.url, {
      ...stale.fields,
      version: 'f'.repeat(64),
      confirm: 'on',
    });
    expect(await coordinator.html(res.headers.get('location')!)).toContain(
      `Kế hoạch ${PROGRAM} vừa có phiên bản mới kể từ khi bạn xem trước`,
    );
    await expect(env.client.workflow.getHandle(WORKFLOW).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(
      (await audits('cycle.start-request')).map((e) => (e.details as { refusalCode?: string }).refusalCode),
    ).toEqual(['confirm-required', 'program-version-changed']);
  });

  it('starts the year once: the same form sent twice acts once, a second start is refused in the catalog’s words', async () => {
    const form = formOf(await coordinator.html(previewPath), /khoi-dong/);
    const before = (await audits('cycle.start-request')).length;
    const [first, again] = await Promise.all([
      coordinator.post(form.url, { ...form.fields, confirm: 'on' }),
      coordinator.post(form.url, { ...form.fields, confirm: 'on' }),
    ]);
    expect(first.headers.get('location')).toBe(again.headers.get('location'));
    const page = await coordinator.html(first.headers.get('location')!);
    expect(page).toContain(`Đã khởi động chu trình năm ${YEAR} của kế hoạch ${PROGRAM}.`);
    expect((await env.client.workflow.getHandle(WORKFLOW).describe()).status.name).toBe('RUNNING');
    const started = await audits('cycle.start-request');
    expect(started).toHaveLength(before + 1);
    expect(started.at(-1)).toMatchObject({
      actor: 'coordinator:huong',
      subject: WORKFLOW,
      details: expect.objectContaining({
        outcome: 'done',
        program: PROGRAM,
        year: YEAR,
        workflowId: WORKFLOW,
      }),
    });
    // The cycle's own activity stores it (version 1) and it appears in the list.
    for (let i = 0; i < 200 && !cycleId; i++) {
      cycleId = (await database.db.prisma.cycle.findFirst({ where: { year: YEAR } }))?.id ?? 0;
      if (!cycleId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(cycleId).toBeGreaterThan(0);
    expect(await coordinator.html('/quan-ly')).toContain(`href="/quan-ly/chu-ky/${cycleId}"`);

    // A second start of the year, from a fresh form (posted as if the page had been open since before).
    const second = await coordinator.post(form.url, { ...form.fields, key: randomUUID(), confirm: 'on' });
    const refused = await coordinator.html(second.headers.get('location')!);
    expect(refused).toContain(
      `Chưa khởi động: Chu trình năm ${YEAR} của kế hoạch ${PROGRAM} đã được khởi động: mỗi năm chỉ chạy một chu trình.`,
    );
    expect((await audits('cycle.start-request')).at(-1)?.details).toMatchObject({
      outcome: 'refused',
      refusalCode: 'cycle-already-started',
      refusalValues: { program: PROGRAM, year: YEAR },
    });
    // The preview now says it has started, and offers no form.
    const after = await coordinator.html(previewPath);
    expect(after).toContain('Chu trình năm này đã được khởi động.');
    expect(after).not.toContain('name="confirm"');
  });

  it('cancels the cycle with a reason and confirmation, refusing a form without a reason; audited', async () => {
    const matrix = await coordinator.html(`/quan-ly/chu-ky/${cycleId}`);
    expect(matrix).toContain(`href="/quan-ly/chu-ky/${cycleId}/huy" data-cancel`);
    expect(await viewer.html(`/quan-ly/chu-ky/${cycleId}`)).not.toContain('data-cancel');
    expect((await viewer.fetch(`/quan-ly/chu-ky/${cycleId}/huy`)).status).toBe(403);

    const path = `/quan-ly/chu-ky/${cycleId}/huy`;
    const noReason = formOf(await coordinator.html(path), /huy/);
    const res = await coordinator.post(noReason.url, { ...noReason.fields, reason: '  ', confirm: 'on' });
    expect(await coordinator.html(res.headers.get('location')!)).toContain('Chưa hủy: Cần nêu lý do.');
    expect((await env.client.workflow.getHandle(WORKFLOW).describe()).status.name).toBe('RUNNING');

    const form = formOf(await coordinator.html(path), /huy/);
    const reason = 'Kế hoạch 99 được thay thế bằng kế hoạch mới của UBND tỉnh';
    const done = await coordinator.post(form.url, { ...form.fields, reason, confirm: 'on' });
    expect(await coordinator.html(done.headers.get('location')!)).toContain('Đã yêu cầu hủy chu trình');
    const cancels = await audits('cycle.cancel');
    expect(cancels.map((e) => (e.details as { outcome: string }).outcome)).toEqual(['refused', 'done']);
    expect(cancels[1]).toMatchObject({
      actor: 'coordinator:huong',
      subject: WORKFLOW,
      details: expect.objectContaining({ reason, cycleId }),
    });
    await env.client.workflow
      .getHandle(WORKFLOW)
      .result()
      .catch(() => undefined);
    for (let i = 0; i < 200; i++) {
      const row = await database.db.prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } });
      if (row.status === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await database.db.prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } })).status).toBe(
      'cancelled',
    );
    // Cancelled: no form any more, and a form sent now is refused.
    const after = await coordinator.html(path);
    expect(after).toContain('Chu trình này không còn chạy.');
    const late = await coordinator.post(form.url, {
      ...form.fields,
      key: randomUUID(),
      reason,
      confirm: 'on',
    });
    expect(await coordinator.html(late.headers.get('location')!)).toContain(
      'Chưa hủy: Chu trình đã bị hủy: không còn gì để hủy.',
    );
  });
});
