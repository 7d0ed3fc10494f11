import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { Browser } from './dashboard-browser';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { inspectionLadder } from '../../../src/inspections/ladder';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import { addUser } from '../../../src/auth/users';
import type { IsoDate } from '../../../src/calendar/dates';
import { inspectionWorkflowId, type InspectionInput } from '../../../src/inspections/types';
import {
  inspectionStatusQuery,
  reportRecommendationUpdate,
} from '../../../src/workflows/messages/inspection';
import { inspection as inspectionWorkflow } from '../../../src/workflows/inspection';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
// The visit is on Thu 09/09/2027 (notice Tue 31/08, five working days before, over the National Day holiday).
const VISIT: IsoDate = '2027-09-09';

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A form of the inspection page by its action: its URL and fields. */
function formOf(
  html: string,
  action: string,
  number?: number,
): { url: string; fields: Record<string, string> } {
  for (const m of html.matchAll(/<form class="stack" method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)) {
    const url = m[1]!.replace(/\?lang=en$/, '');
    if (!url.endsWith(`/${action}`)) continue;
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(m[2]!)?.[1];
    if (number !== undefined && field('number') !== String(number)) continue;
    return {
      url: m[1]!,
      fields: {
        _csrf: field('_csrf')!,
        key: field('key')!,
        ...(number !== undefined ? { number: String(number) } : {}),
      },
    };
  }
  throw new Error(`no ${action} form`);
}

/**
 * The inspector's pages over HTTP against a real inspection workflow (time-skipping test server, real
 * worker and activities, real SMTP server, SQLite): the list and the inspection page from the read model,
 * the conclusion recorded and a recommendation closed through the forms, refusals translated and audited,
 * viewers and forged forms changing nothing.
 */
describe('the inspector’s pages on a running inspection', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let handle: WorkflowHandle;
  let inspector: Browser;
  let viewer: Browser;
  let pagePath: string;
  const files = testFiles();
  const taskQueue = `dashboard-inspections-${randomUUID()}`;
  const workflowId = inspectionWorkflowId(PROGRAM, YEAR, 'SO-YT');
  const evidenceBytes = Buffer.from('%PDF-1.4\nBáo cáo khắc phục số 7/BC-SYT\n');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'dashboard_inspections');
    seeded = await seedCycle(database.db, YEAR);
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
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await addUser(database.db, {
      login: 'kiemtra',
      name: 'Cà Văn Kiểm',
      role: 'inspector',
      password: 'kiểm tra 2027!',
    });
    await addUser(database.db, {
      login: 'xem',
      name: 'Quàng Văn Xem',
      role: 'viewer',
      password: 'chỉ xem thôi nhé',
    });

    const milestone = seeded.plan.milestones.find((m) => m.key === 'inspection')!;
    const settings = seeded.program.definition.milestones.find((m) => m.key === 'inspection')!.inspection!;
    const input: InspectionInput = {
      cycleId: seeded.cycleId,
      program: PROGRAM,
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
      kind: 'kiem-tra',
      visitOn: VISIT,
      noticeWorkingDays: settings.noticeWorkingDays,
      remedyWorkingDays: settings.remedyWorkingDays,
      ...inspectionLadder(milestone),
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      clock: { originMs: localInstant('2027-08-25', 7), scale: 1 },
    };
    handle = await env.client.workflow.start(inspectionWorkflow, {
      taskQueue,
      workflowId,
      args: [input],
    });
    const row = await waitFor('the inspection in the read model', () =>
      database.db.prisma.inspection.findUnique({ where: { workflowId } }),
    );
    pagePath = `/quan-ly/kiem-tra/${row.id}`;

    inspector = new Browser(base);
    await inspector.login('kiemtra', 'kiểm tra 2027!');
    viewer = new Browser(base);
    await viewer.login('xem', 'chỉ xem thôi nhé');
  });

  afterAll(async () => {
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
    const { clock } = await handle.query(inspectionStatusQuery);
    const now = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    const delta = localInstant(date, hour) - now;
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta / clock.scale);
  }

  const status = async () => await handle.query(inspectionStatusQuery);
  const audits = () => database.db.prisma.auditEvent.count();

  /** Follows a 303 after a form to the page it names; returns the page. */
  async function follow(res: Response, who: Browser): Promise<string> {
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${pagePath}\\?ket-qua=\\d+`));
    return who.html(location);
  }

  it('lists the cycle’s inspections, linked from the matrix page', async () => {
    const matrix = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}`);
    expect(matrix).toContain(`href="/quan-ly/chu-ky/${seeded.cycleId}/kiem-tra"`);
    expect(matrix).toContain('Kiểm tra, thanh tra');
    const list = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}/kiem-tra`);
    expect(list).toContain(`<a href="${pagePath}">Sở Y tế</a>`);
    expect(list).toContain('<td data-label="Ngày làm việc với đơn vị">09/09/2027</td>');
    expect(list).toContain('Đã lên lịch');
    expect(list).toContain('0/0');
    const en = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}/kiem-tra?lang=en`);
    expect(en).toContain('Visit date');
    expect(en).toContain('Planned');
  });

  it('refuses a conclusion before the visit day, in both languages, audited; nothing changes', async () => {
    const html = await inspector.html(pagePath);
    expect(html).toContain('Kết luận được ghi từ ngày làm việc với đơn vị (09/09/2027).');
    expect(html).not.toContain('/conclude"');
    expect(html).toContain(
      `href="http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}"`,
    );
    // The form is not offered yet; a conclusion sent anyway (with the page's token) is refused by the workflow.
    const cancel = formOf(html, 'cancel');
    const res = await inspector.post(`${pagePath}/conclude`, {
      _csrf: cancel.fields._csrf!,
      key: randomUUID(),
      conclusion: 'Đơn vị thực hiện chưa đầy đủ.',
      rec1: 'Bổ sung báo cáo quý III.',
    });
    const page = await follow(res, inspector);
    expect(page).toContain(
      'Không thực hiện được: Ghi kết luận kiểm tra. Chỉ ghi được kết luận từ ngày làm việc với đơn vị (09/09/2027).',
    );
    const en = await inspector.html(`${res.headers.get('location')!}&lang=en`);
    expect(en).toContain(
      'Refused: Record the conclusion. The conclusion can be recorded from the visit day (09/09/2027) on.',
    );
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'inspection.conclude' },
      orderBy: { id: 'desc' },
    });
    expect(event.actor).toBe('inspector:kiemtra');
    expect(event.subject).toBe(workflowId);
    expect((event.details as { outcome: string }).outcome).toBe('refused');
    expect((await status()).conclusion).toBeUndefined();
  });

  it('refuses a viewer’s POST (403) and a POST without a CSRF token (403), changing nothing', async () => {
    const viewerPage = await viewer.html(pagePath);
    expect(viewerPage).toContain('Bạn chỉ có quyền xem trang này.');
    expect(viewerPage).not.toContain('/cancel"');
    const before = await audits();
    const denied = await viewer.post(`${pagePath}/cancel`, {
      _csrf: Browser.csrfOf(viewerPage),
      key: randomUUID(),
      reason: 'Thử hủy',
    });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('Tài khoản của bạn không có quyền thực hiện thao tác này.');

    const form = formOf(await inspector.html(pagePath), 'cancel');
    const { _csrf, ...withoutToken } = form.fields;
    expect(_csrf).toBeTruthy();
    const forged = await inspector.post(form.url, { ...withoutToken, reason: 'Thử hủy' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Biểu mẫu đã hết hạn hoặc không được gửi từ trang này.');

    expect(await audits()).toBe(before);
    expect((await status()).stage).not.toBe('cancelled');
    expect(
      (await database.db.prisma.inspection.findUniqueOrThrow({ where: { workflowId } })).status,
    ).not.toBe('cancelled');
  });

  it('records the conclusion on the visit day (a double click records once); the agency reports; the inspector closes', async () => {
    await advanceTo(VISIT, 10);
    await waitFor('the visit day in the read model', async () =>
      (await database.db.prisma.inspection.findUniqueOrThrow({ where: { workflowId } })).status === 'visited'
        ? true
        : undefined,
    );
    const form = formOf(await inspector.html(pagePath), 'conclude');
    const fields = {
      ...form.fields,
      conclusion: 'Sở Y tế đã triển khai kế hoạch; còn hai tồn tại cần khắc phục.',
      rec1: 'Gửi báo cáo quý III đúng hạn.',
      rec2: 'Kiện toàn tổ công tác.',
      due2: '2027-10-15',
    };
    // "More lines": the form again as filled, with ten more lines; nothing is recorded.
    const before = await audits();
    const grown = await inspector.post(form.url, { ...fields, more: '1' });
    expect(grown.status).toBe(200);
    const grownPage = await grown.text();
    expect(grownPage).toContain('name="lines" value="20"');
    expect(grownPage).toContain('<legend>Kiến nghị 20</legend>');
    expect(grownPage).not.toContain('<legend>Kiến nghị 21</legend>');
    expect(grownPage).toContain('>Sở Y tế đã triển khai kế hoạch; còn hai tồn tại cần khắc phục.</textarea>');
    expect(grownPage).toContain('name="rec2" rows="2" maxlength="5000">Kiện toàn tổ công tác.</textarea>');
    expect(grownPage).toContain('name="due2" value="2027-10-15"');
    expect(await audits()).toBe(before);
    // A recommendation on line 15 is taken from the grown form; a refused one keeps what was entered.
    const grownForm = formOf(grownPage, 'conclude');
    const refused = await follow(
      await inspector.post(grownForm.url, {
        ...fields,
        ...grownForm.fields,
        lines: '20',
        rec15: 'Dòng 15.',
        due15: '15/10/2027',
      }),
      inspector,
    );
    expect(refused).toContain('Không thực hiện được: Ghi kết luận kiểm tra.');
    expect(refused).toContain('name="rec15" rows="2" maxlength="5000">Dòng 15.</textarea>');
    expect(refused).toContain('>Sở Y tế đã triển khai kế hoạch; còn hai tồn tại cần khắc phục.</textarea>');
    expect((await status()).conclusion).toBeUndefined();
    const first = await inspector.post(form.url, fields);
    const again = await inspector.post(form.url, fields);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const page = await follow(first, inspector);
    expect(page).toContain('Đã thực hiện: Ghi kết luận kiểm tra.');
    const s = await status();
    expect(s.stage).toBe('concluded');
    expect(s.recommendations.map((r) => [r.number, r.text, r.status])).toEqual([
      [1, 'Gửi báo cáo quý III đúng hạn.', 'open'],
      [2, 'Kiện toàn tổ công tác.', 'open'],
    ]);
    expect(s.recommendations[1]!.dueOn).toBe('2027-10-15');
    const done = await database.db.prisma.auditEvent.findMany({
      where: { action: 'inspection.conclude', actor: 'inspector:kiemtra', subject: workflowId },
    });
    expect(done.filter((e) => (e.details as { outcome: string }).outcome === 'done')).toHaveLength(1);

    // The agency reports recommendation 1 with a file (as the portal will), stored under its sha256.
    const sha256 = createHash('sha256').update(evidenceBytes).digest('hex');
    const storagePath = `${sha256.slice(0, 2)}/${sha256}.pdf`;
    mkdirSync(join(files.root, sha256.slice(0, 2)), { recursive: true });
    writeFileSync(join(files.root, storagePath), evidenceBytes);
    await handle.executeUpdate(reportRecommendationUpdate, {
      args: [
        {
          number: 1,
          reportedBy: 'Trần Thanh Hà',
          summary: 'Đã gửi báo cáo quý III ngày 10/09.',
          evidence: [
            {
              fileName: 'Báo cáo khắc phục (bản ký).pdf',
              contentType: 'application/pdf',
              sizeBytes: evidenceBytes.length,
              sha256,
              storagePath,
            },
          ],
        },
      ],
    });
    await waitFor(
      'the report in the read model',
      async () =>
        (await database.db.prisma.recommendation.findFirst({ where: { number: 1, status: 'reported' } })) ??
        undefined,
    );
    const reported = await inspector.html(pagePath);
    expect(reported).toContain('Đã gửi báo cáo quý III ngày 10/09.');
    expect(reported).toContain('Đơn vị đã báo cáo, chờ xem xét');
    const link =
      /<a href="([^"]+\/khuyen-nghi\/1\/tep\/1)" download>Báo cáo khắc phục \(bản ký\)\.pdf<\/a>/.exec(
        reported,
      );
    expect(link).not.toBeNull();
    const file = await viewer.fetch(link![1]!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(evidenceBytes);
    expect((await viewer.fetch(`${pagePath}/khuyen-nghi/1/tep/2`)).status).toBe(404);
    expect(() => formOf(reported, 'close', 2)).toThrow();

    const close = formOf(reported, 'close', 1);
    const closed = await follow(
      await inspector.post(close.url, { ...close.fields, note: 'Đủ hồ sơ.' }),
      inspector,
    );
    expect(closed).toContain('Đã thực hiện: Đóng kiến nghị.');
    expect((await status()).recommendations[0]!.status).toBe('closed');
    await waitFor(
      'the closing in the read model',
      async () =>
        (await database.db.prisma.recommendation.findFirst({ where: { number: 1, status: 'closed' } })) ??
        undefined,
    );
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'inspection.close', actor: 'inspector:kiemtra', subject: workflowId },
    });
    expect(event.details).toMatchObject({ outcome: 'done', number: 1, note: 'Đủ hồ sơ.' });

    // Closing it again is refused by the workflow, translated.
    const twice = await inspector.post(`${pagePath}/close`, { ...close.fields, key: randomUUID() });
    expect(await follow(twice, inspector)).toContain('Kiến nghị số 1 đã được đóng.');

    const list = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}/kiem-tra`);
    expect(list).toContain('Đã kết luận, đang theo dõi kiến nghị');
    expect(list).toContain('<td data-label="Kiến nghị chưa đóng / tổng số">1/2</td>');
    expect(list).toContain('<td data-label="Hạn gần nhất">15/10/2027</td>');
  });
  it('lets a coordinator reopen a closed recommendation and cancel the inspection, under the form’s Update ID', async () => {
    const huong = new Browser(base);
    await addUser(database.db, {
      login: 'huong',
      name: 'Lò Thị Hương',
      role: 'coordinator',
      password: 'Mường Thanh 2027',
    });
    await huong.login('huong', 'Mường Thanh 2027');
    const reopen = formOf(await huong.html(`${pagePath}?lang=en`), 'reopen', 1);
    expect(reopen.url).toBe(`${pagePath}/reopen?lang=en`);
    const page = await huong.html(
      (await huong.post(reopen.url, { ...reopen.fields, reason: 'Thiếu số liệu tháng 9.' })).headers.get(
        'location',
      )!,
    );
    expect(page).toContain('Done: Reopen the recommendation.');
    const s = await status();
    expect(s.recommendations[0]!.status).toBe('open');
    expect(s.recommendations[0]!.notes.at(-1)).toContain('reopened by coordinator:huong');

    const cancel = formOf(await huong.html(pagePath), 'cancel');
    const cancelled = await follow(
      await huong.post(cancel.url, { ...cancel.fields, reason: 'Đơn vị sáp nhập.' }),
      huong,
    );
    expect(cancelled).toContain('Đã thực hiện: Hủy cuộc kiểm tra.');
    expect(cancelled).not.toContain('method="post" action="/quan-ly/kiem-tra');
    expect((await status()).stage).toBe('cancelled');
    await waitFor('the cancelling in the read model', async () =>
      (await database.db.prisma.inspection.findUniqueOrThrow({ where: { workflowId } })).status ===
      'cancelled'
        ? true
        : undefined,
    );
    const event = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'inspection.cancel', actor: 'coordinator:huong', subject: workflowId },
      orderBy: { id: 'desc' },
    });
    expect(event.details).toMatchObject({
      outcome: 'done',
      reason: 'Đơn vị sáp nhập.',
      key: cancel.fields.key,
    });

    // Each Update carried the ID made from its form's one-time key.
    const history = await handle.fetchHistory();
    const updateIds = (history.events ?? [])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((id): id is string => Boolean(id));
    expect(updateIds).toContain(`dashboard:inspection:cancel:${cancel.fields.key}`);
    expect(updateIds).toContain(`dashboard:inspection:reopen:${reopen.fields.key}`);
    expect(updateIds.filter((id) => id.startsWith('dashboard:inspection:conclude:'))).toHaveLength(1);

    // Anything further is refused: the cancelled inspection's workflow has ended (translated).
    const late = await huong.post(`${pagePath}/cancel`, {
      _csrf: cancel.fields._csrf!,
      key: randomUUID(),
      reason: 'Lần nữa',
    });
    expect(await follow(late, huong)).toContain(
      'Không thực hiện được: Hủy cuộc kiểm tra. Quy trình kiểm tra đã kết thúc.',
    );
  });
});
