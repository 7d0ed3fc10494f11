import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createLocalEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening, loggedIn, USERS } from './dashboard-browser';
import { buildWebServer } from '../../../src/web/server';
import { createScheduleActivities } from '../../../src/activities/schedule';
import { PROJECT_HOLIDAY_DIR } from '../../../src/calendar/load';
import { PROGRAMS_DIR } from '../../../src/programs/load';
import { cycleYearAt } from '../../../src/schedule/timing';

const PROGRAM = 'dien-bien-kh99';
const SCHEDULE = `schedule:${PROGRAM}`;

/** The form of a schedule action on the page. */
function formOf(html: string, action: string): { url: string; fields: Record<string, string> } {
  const m = new RegExp(
    `<form class="stack" method="post" action="(/quan-ly/lich-khoi-dong/${PROGRAM}/${action}[^"]*)">([\\s\\S]*?)</form>`,
  ).exec(html);
  if (!m) throw new Error(`no ${action} form`);
  const fields: Record<string, string> = {};
  for (const input of m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[input[1]!] = input[2]!;
  }
  return { url: m[1]!, fields };
}

/**
 * The programs' yearly schedules on the dashboard, on a Temporal dev server: created from the page, paused
 * and resumed with the coordinator's reason and name as the note, started now (refused without the
 * confirmation), each action audited; viewers see the page without its forms and cannot act. As in
 * test/integration/schedule.test.ts, the worker runs the scheduled workflow and its real activities, and
 * the cycles it starts go to a queue without a worker (they stay Running, untouched).
 */
describe('the yearly schedules page', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  let app: FastifyInstance;
  let coordinator: Browser;
  let viewer: Browser;
  const files = testFiles();
  const taskQueue = `dashboard-schedule-${randomUUID()}`;
  const thisYear = cycleYearAt(Date.now());

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await freshDatabase('sqlite', 'dashboard_schedules');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../../src/workflows/scheduled-cycle-start'),
      activities: createScheduleActivities({
        programsDir: PROGRAMS_DIR,
        holidaysDir: PROJECT_HOLIDAY_DIR,
        cycleTaskQueue: `${taskQueue}-cycles`,
      }),
    });
    running = worker.run();
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
    await env?.client.workflow
      .getHandle(`cycle:${PROGRAM}:${thisYear}`)
      .terminate('test cleanup')
      .catch(() => undefined);
    await env?.client.schedule
      .getHandle(SCHEDULE)
      .delete()
      .catch(() => undefined);
    await app?.close();
    worker?.shutdown();
    await running;
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  const page = () => coordinator.html('/quan-ly/lich-khoi-dong');
  const section = (html: string) =>
    new RegExp(`<section class="milestone schedule" data-program="${PROGRAM}" data-state="(\\w+)">`).exec(
      html,
    )?.[1];
  const audits = () =>
    database.db.prisma.auditEvent.findMany({
      where: { subject: SCHEDULE },
      orderBy: { id: 'asc' },
    });

  it('a program without a schedule: said, and a coordinator creates it from the page', async () => {
    const before = await page();
    expect(section(before)).toBe('missing');
    expect(before).toContain('Chưa có lịch');
    const viewerPage = await viewer.html('/quan-ly/lich-khoi-dong');
    expect(viewerPage).not.toContain('data-action=');
    const sync = formOf(before, 'sync');
    expect((await viewer.post(sync.url, { ...sync.fields, _csrf: Browser.csrfOf(viewerPage) })).status).toBe(
      403,
    );

    const res = await coordinator.post(sync.url, sync.fields);
    expect(res.status).toBe(303);
    const after = await coordinator.html(res.headers.get('location')!);
    expect(after).toContain(`${SCHEDULE}: Đã tạo lịch.`);
    expect(section(after)).toBe('active');
    // Its next fire: 15 January, local midnight, and the start date the plan computes for that year.
    expect(after).toMatch(
      /<dd data-next>15\/01\/\d{4} \(chu trình năm \d{4} bắt đầu \d\d\/01\/\d{4}\)<\/dd>/,
    );
    const d = await env.client.schedule.getHandle(SCHEDULE).describe();
    expect(d.state.paused).toBe(false);
  });

  it('pauses with the reason and the coordinator as the note, then resumes; audited', async () => {
    const pause = formOf(await page(), 'pause');
    const reason = 'Chờ kế hoạch mới của UBND tỉnh';
    const paused = await coordinator.post(pause.url, { ...pause.fields, reason });
    const html = await coordinator.html(paused.headers.get('location')!);
    expect(html).toContain('Đã tạm dừng lịch.');
    expect(section(html)).toBe('paused');
    expect(html).toContain(`<dd class="wrap" data-note>${reason} (coordinator:huong)</dd>`);
    const d = await env.client.schedule.getHandle(SCHEDULE).describe();
    expect(d.state).toMatchObject({ paused: true, note: `${reason} (coordinator:huong)` });

    const unpause = formOf(html, 'unpause');
    const resumed = await coordinator.post(unpause.url, unpause.fields);
    expect(section(await coordinator.html(resumed.headers.get('location')!))).toBe('active');
    expect((await env.client.schedule.getHandle(SCHEDULE).describe()).state).toMatchObject({
      paused: false,
      note: 'unpaused (coordinator:huong)',
    });
    expect((await audits()).map((e) => [e.action, (e.details as { outcome: string }).outcome])).toEqual([
      ['schedule.sync', 'done'],
      ['schedule.pause', 'done'],
      ['schedule.unpause', 'done'],
    ]);
  });

  it('start now: refused without the confirmation; confirmed, this year’s cycle starts', async () => {
    const trigger = formOf(await page(), 'trigger');
    const refused = await coordinator.post(trigger.url, trigger.fields);
    expect(await coordinator.html(refused.headers.get('location')!)).toContain(
      'Không thực hiện: Cần đánh dấu ô xác nhận trước khi gửi.',
    );
    expect((await env.client.schedule.getHandle(SCHEDULE).describe()).info.recentActions).toEqual([]);

    const again = formOf(await page(), 'trigger');
    const done = await coordinator.post(again.url, { ...again.fields, confirm: 'on' });
    expect(await coordinator.html(done.headers.get('location')!)).toContain(
      'Đã yêu cầu khởi động chu trình năm nay.',
    );
    const cycle = env.client.workflow.getHandle(`cycle:${PROGRAM}:${thisYear}`);
    for (let i = 0; i < 300; i++) {
      if (
        await cycle.describe().then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await cycle.describe()).status.name).toBe('RUNNING');
    const after = await page();
    expect(after).toMatch(/Đã khởi động<\/dt><dd class="wrap">\d\d\/\d\d\/\d{4} → /);
    expect((await audits()).slice(-2).map((e) => (e.details as { outcome: string }).outcome)).toEqual([
      'refused',
      'done',
    ]);
  });

  it('an action on a schedule removed from the server is refused with what to do', async () => {
    const pause = formOf(await page(), 'pause');
    await env.client.schedule.getHandle(SCHEDULE).delete();
    const res = await coordinator.post(pause.url, pause.fields);
    expect(await coordinator.html(res.headers.get('location')!)).toContain(
      `Không thực hiện: Kế hoạch ${PROGRAM} chưa có lịch khởi động hằng năm: hãy tạo lịch trước.`,
    );
  });
});
