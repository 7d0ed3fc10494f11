import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { startMailpit, type TestMailServer } from '../../support/mailpit';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { Browser, listening, USERS } from './dashboard-browser';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { importDirectoryFile } from '../../../src/directory/import-file';
import { computePlan } from '../../../src/cycle/compute-plan';
import { findProgram } from '../../../src/programs/find';
import { localInstant } from '../../../src/cycle/clock';
import { buildWebServer } from '../../../src/web/server';
import { addUser } from '../../../src/auth/users';
import type { IsoDate } from '../../../src/calendar/dates';
import { inspectionWorkflowId } from '../../../src/inspections/types';
import { inspectionStatusQuery } from '../../../src/workflows/messages/inspection';
import { inspectionPlanOf } from '../../support/inspection-plan';
import { annualCycle } from '../../../src/workflows/annual-cycle';

const PROGRAM = 'dien-bien-kh99';
const YEAR = 2027;
const CYCLE_ID = `cycle:${PROGRAM}:${YEAR}`;

/** The approval form of the plan page: its URL and every field with its value (checked boxes only). */
function planForm(html: string): { url: string; fields: Record<string, string> } {
  const m = /<form class="stack" method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  if (!m) throw new Error('no approval form');
  const fields: Record<string, string> = {};
  for (const input of m[2]!.matchAll(/<input ([^>]*)>/g)) {
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(input[1]!)?.[1];
    const name = attr('name');
    if (!name) continue;
    if (input[1]!.includes('type="checkbox"')) {
      if (/\bchecked\b/.test(input[1]!)) fields[name] = 'on';
    } else fields[name] = attr('value') ?? '';
  }
  for (const select of m[2]!.matchAll(/<select name="([^"]+)">([\s\S]*?)<\/select>/g)) {
    fields[select[1]!] =
      /<option value="([^"]+)" selected>/.exec(select[2]!)?.[1] ??
      /<option value="([^"]+)"/.exec(select[2]!)![1]!;
  }
  return { url: m[1]!, fields };
}

/**
 * The year's inspection plan on the dashboard over HTTP, against a real cycle on the time-skipping server
 * (real worker and activities, real SMTP server, SQLite): the page before and after the proposal, in both
 * languages; the coordinator's edited approval through the form, refusals translated and audited, a form
 * sent twice acting once; viewers and forged forms changing nothing.
 */
describe('the inspection plan page on a running cycle', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let handle: WorkflowHandle;
  let coordinator: Browser;
  let viewer: Browser;
  let cycleDbId: number;
  let pagePath: string;
  let startedAt = 0;
  const files = testFiles();
  const taskQueue = `dashboard-plan-${randomUUID()}`;
  const origin = localInstant(computePlan(findProgram(PROGRAM), YEAR).startsOn, 7);

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'dashboard_plan');
    await importDirectoryFile(
      database.db,
      join(__dirname, '../../fixtures/directory-small.csv'),
      '2025-07-01',
      'test',
    );
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      temporal: env.client,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    const base = await listening(app);
    await addUser(database.db, USERS.coordinator);
    await addUser(database.db, USERS.viewer);
    coordinator = new Browser(base);
    await coordinator.login(USERS.coordinator.login, USERS.coordinator.password);
    viewer = new Browser(base);
    await viewer.login(USERS.viewer.login, USERS.viewer.password);

    startedAt = await env.currentTimeMs();
    handle = await env.client.workflow.start(annualCycle, {
      taskQueue,
      workflowId: CYCLE_ID,
      args: [{ program: PROGRAM, year: YEAR, clock: { originMs: origin, scale: 1 } }],
    });
    for (let i = 0; i < 100 && !cycleDbId; i++) {
      cycleDbId = (await database.db.prisma.cycle.findFirst({ where: { year: YEAR } }))?.id ?? 0;
      if (!cycleDbId) await new Promise((r) => setTimeout(r, 100));
    }
    pagePath = `/quan-ly/chu-ky/${cycleDbId}/ke-hoach-kiem-tra`;
  });

  afterAll(async () => {
    for (const code of ['SO-TP', 'SO-YT', 'UBND-P-DIENBIENPHU']) {
      await env?.client.workflow
        .getHandle(inspectionWorkflowId(PROGRAM, YEAR, code))
        .terminate('test done')
        .catch(() => undefined);
    }
    await handle?.terminate('test done').catch(() => undefined);
    await app?.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  async function advanceTo(date: IsoDate, hour = 12): Promise<void> {
    const delta = localInstant(date, hour) - (origin + ((await env.currentTimeMs()) - startedAt));
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta);
  }
  const plan = async () => await inspectionPlanOf(handle);
  const audits = () => database.db.prisma.auditEvent.count();

  it('before the proposal day: when it will be proposed, and nothing to approve', async () => {
    const page = await coordinator.html(pagePath);
    expect(page).toContain('<dd data-stage="waiting">Chưa đến ngày lập đề xuất</dd>');
    expect(page).toContain('Hệ thống sẽ tự lập đề xuất ngày 09/09/2027');
    expect(page).not.toContain('name="key"');
    const matrix = await viewer.html(`/quan-ly/chu-ky/${cycleDbId}`);
    expect(matrix).toContain(`href="${pagePath}"`);
  });

  it('shows the proposal with its grounds; a viewer reads it without a form', async () => {
    await advanceTo('2027-09-09');
    const page = await viewer.html(pagePath);
    expect(page).toContain('<dd data-stage="proposed">Đã đề xuất, chờ phê duyệt</dd>');
    // Nobody sent anything: each of the three agencies the inspections address is a risk.
    for (const code of ['SO-TP', 'SO-YT', 'UBND-P-DIENBIENPHU']) {
      expect(page).toContain(`<tr data-agency="${code}" data-source="risk">`);
    }
    expect(page).toContain('<li>Chưa nộp Kế hoạch triển khai (hạn 12/02/2027)</li>');
    expect(page).toContain('Theo mức độ rủi ro <small class="muted">(Điểm rủi ro: 6)</small>');
    expect(page).toContain('Bạn chỉ có quyền xem.');
    expect(page).not.toContain('<form class="stack"');
    const english = await viewer.html(`${pagePath}?lang=en`);
    expect(english).toContain('<dd data-stage="proposed">Proposed, awaiting approval</dd>');
    expect(english).toContain('<li>Annual implementation plan not sent (due 12/02/2027)</li>');
    // A viewer's post is refused before anything is done.
    const before = await audits();
    const res = await viewer.post(pagePath, { _csrf: Browser.csrfOf(page), key: randomUUID(), lines: '0' });
    expect(res.status).toBe(403);
    expect(await audits()).toBe(before);
  });

  it('refuses a forged form and a bad line with the reason, changing nothing', async () => {
    const page = await coordinator.html(pagePath);
    const { url, fields } = planForm(page);
    expect(url).toBe(pagePath);
    expect(fields.lines).toBe('3');
    const before = await audits();
    expect((await coordinator.post(url, { ...fields, _csrf: 'forged' })).status).toBe(403);
    expect(await audits()).toBe(before);

    const res = await coordinator.post(url, { ...fields, addCode1: 'SO-VHTTDL', addVisit1: '2027-10-20' });
    expect(res.status).toBe(303);
    const refused = await coordinator.html(res.headers.get('location')!);
    expect(refused).toContain(
      'Không phê duyệt được: Dòng 4: SO-VHTTDL không phải đơn vị thuộc đối tượng kiểm tra của kế hoạch.',
    );
    // The refused form shows what was entered, not the proposal again.
    const kept = planForm(refused).fields;
    expect([kept.addCode1, kept.addVisit1, kept.include1, kept.include3]).toEqual([
      'SO-VHTTDL',
      '2027-10-20',
      'on',
      'on',
    ]);
    const edited: Record<string, string> = { ...kept, addCode1: '', addVisit1: '', visit1: '2027-09-13' };
    delete edited.include3;
    const soon = await coordinator.post(url, edited);
    const soonPage = await coordinator.html(soon.headers.get('location')!);
    expect(soonPage).toContain(
      'SO-TP: ngày 13/09/2027 quá gần, không đủ thời gian thông báo trước; sớm nhất là ngày 17/09/2027.',
    );
    const keptAgain = planForm(soonPage).fields;
    expect([keptAgain.visit1, keptAgain.include3, keptAgain.addCode1]).toEqual(['2027-09-13', undefined, '']);
    expect((await plan()).stage).toBe('proposed');
  });

  it('approves the plan as edited, once, and the inspections start', async () => {
    const { url, fields } = planForm(await coordinator.html(pagePath));
    // The ward is left out; Sở Y tế becomes a thanh tra on Wed 20/10.
    const form: Record<string, string> = { ...fields, kind2: 'thanh-tra', visit2: '2027-10-20' };
    delete form.include3;
    const res = await coordinator.post(url, form);
    expect(res.status).toBe(303);
    const again = await coordinator.post(url, form);
    expect(again.headers.get('location')).toBe(res.headers.get('location'));
    const page = await coordinator.html(res.headers.get('location')!);
    expect(page).toContain('Đã phê duyệt kế hoạch kiểm tra.');
    expect(page).toContain('<dd data-stage="approved">Đã phê duyệt</dd>');
    expect(page).toContain('Các cuộc kiểm tra đã bắt đầu: 2');

    const approved = await plan();
    expect(approved.approved!.map((v) => [v.agency.code, v.kind, v.visitOn])).toEqual([
      ['SO-TP', 'kiem-tra', '2027-10-01'],
      ['SO-YT', 'thanh-tra', '2027-10-20'],
    ]);
    expect(approved.approvedBy).toBe('coordinator:huong');
    const submitted = await database.db.prisma.auditEvent.findMany({
      where: { subject: CYCLE_ID, action: 'inspection-plan.submit' },
      orderBy: { id: 'asc' },
    });
    expect(submitted.map((e) => (e.details as { outcome: string }).outcome)).toEqual([
      'refused',
      'refused',
      'done',
    ]);
    const soyt = env.client.workflow.getHandle(inspectionWorkflowId(PROGRAM, YEAR, 'SO-YT'));
    expect(await soyt.query(inspectionStatusQuery)).toMatchObject({
      kind: 'thanh-tra',
      visitOn: '2027-10-20',
    });
    await expect(
      env.client.workflow.getHandle(inspectionWorkflowId(PROGRAM, YEAR, 'UBND-P-DIENBIENPHU')).describe(),
    ).rejects.toThrow();
  });
});
