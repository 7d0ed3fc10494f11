import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { HTML_BYTES, minimalPdf } from '../../fixtures/files/documents';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { inspectionLadder } from '../../../src/inspections/ladder';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import type { IsoDate } from '../../../src/calendar/dates';
import { inspectionWorkflowId, type InspectionInput } from '../../../src/inspections/types';
import {
  closeRecommendationUpdate,
  inspectionStatusQuery,
  recordConclusionUpdate,
} from '../../../src/workflows/messages/inspection';
import { inspection as inspectionWorkflow } from '../../../src/workflows/inspection';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
const VISIT: IsoDate = '2027-09-09';
const FOCAL = 'ha.tt@soyt.dienbien.example';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const stored = (b: Buffer, ext: string) => `${sha(b).slice(0, 2)}/${sha(b)}.${ext}`;

/** Every file under `dir`, relative to it. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

/**
 * The agency reports a recommendation of its inspection done from the link in the inspection's emails:
 * the inspection and its recommendations on the task page, a report with evidence checked by content and
 * stored like submission attachments, the `reportRecommendation` Update idempotent by the form's key, and
 * refusals that leave nothing behind. Real Temporal (time-skipping), worker, activities, SMTP, database.
 */
describe('the agency portal takes a report on an inspection recommendation', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  let handle: WorkflowHandle;
  let link: string;
  const files = testFiles({ maxFileBytes: 100 * 1024, maxFiles: 4 });
  const taskQueue = `agency-recommendations-${randomUUID()}`;
  const workflowId = inspectionWorkflowId(PROGRAM, YEAR, 'SO-YT');

  const status = async () => await handle.query(inspectionStatusQuery);

  /** Lets time run (skipped) until a local date and hour of the calendar. */
  async function advanceTo(date: IsoDate, hour: number): Promise<void> {
    const { clock } = await status();
    const now = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    await env.sleep(localInstant(date, hour) - now);
  }

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'agency_recommendations');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      // The portal's today: the day after the visit.
      now: () => localInstant('2027-09-10', 10),
      temporal: env.client,
      // Submissions are stamped with the time-skipping server's time, the workflows' clock.
      receiptClock: () => env.currentTimeMs(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

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
      clock: { originMs: localInstant('2027-08-30', 7), scale: 1 },
    };
    handle = await env.client.workflow.start(inspectionWorkflow, {
      taskQueue,
      workflowId,
      args: [input],
    });

    // Past the visit: the conclusion with two recommendations.
    await advanceTo(VISIT, 15);
    expect((await status()).stage).toBe('visited');
    await handle.executeUpdate(recordConclusionUpdate, {
      args: [
        {
          conclusion: 'Đơn vị đã triển khai Kế hoạch; còn thiếu báo cáo định kỳ quý III.',
          recommendations: [
            { text: 'Bổ sung báo cáo định kỳ quý III.', dueOn: '2027-09-24' },
            { text: 'Kiện toàn tổ công tác về gia đình.' },
          ],
          by: 'inspector:lan',
        },
      ],
    });

    // The link of the notice the focal point received.
    const mail = new MailpitApi(smtp.apiUrl);
    const [notice] = await mail.waitFor((m) => m.To.some((t) => t.Address === FOCAL), 1);
    const text = (await mail.get(notice!.ID)).Text;
    const found = /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(text);
    expect(found).not.toBeNull();
    link = `${base}${found![1]}`;
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

  /** Posts a recommendation's report form as a browser does (no redirect following). */
  function post(
    number: number | string,
    fields: Record<string, string>,
    uploads: { name: string; bytes: Buffer }[],
    url = link,
  ): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const u of uploads)
      form.append('attachments', new Blob([u.bytes], { type: 'application/pdf' }), u.name);
    return fetch(`${url}/kien-nghi/${number}`, { method: 'POST', body: form, redirect: 'manual' });
  }

  const fields = () => ({
    key: randomUUID(),
    reportedBy: 'Trần Thanh Hà',
    summary: 'Đã bổ sung báo cáo quý III, gửi kèm bản chụp.',
  });

  const reports = async (n: number) => (await status()).recommendations[n - 1]!.reports.length;

  it('shows the inspection and its recommendations, each open one with a report form, in both languages', async () => {
    const res = await fetch(link);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Kiểm tra, thanh tra tại đơn vị');
    expect(html).toContain('<dd>Kiểm tra</dd>');
    expect(html).toContain('<dd>09/09/2027</dd>');
    expect(html).toContain('Đã có kết luận; đang theo dõi kiến nghị');
    expect(html).toContain('Đơn vị đã triển khai Kế hoạch; còn thiếu báo cáo định kỳ quý III.');
    expect(html).toContain('Bổ sung báo cáo định kỳ quý III.');
    expect(html).toContain('Kiện toàn tổ công tác về gia đình.');
    // #1 due Fri 24/09: from Fri 10/09, ten working days.
    expect(html).toMatch(/24\/09\/2027 \(<span class="">còn 10 ngày làm việc<\/span>\)/);
    expect(html).toContain('07/10/2027');
    expect(html).toContain('Đang chờ đơn vị khắc phục');
    expect(html).toContain('Báo cáo kết quả thực hiện kiến nghị số 1');
    expect(html).toMatch(
      /<form method="post" action="\/nhiem-vu\/[^"]+\/kien-nghi\/1" enctype="multipart\/form-data"/,
    );
    expect(html).toMatch(/action="\/nhiem-vu\/[^"]+\/kien-nghi\/2"/);
    const en = await (await fetch(`${link}?lang=en`)).text();
    expect(en).toContain('Inspection of your agency');
    expect(en).toContain('Concluded; recommendations being followed up');
    expect(en).toContain('10 working days left');
    expect(en).toMatch(/action="\/nhiem-vu\/[^"]+\/kien-nghi\/1\?lang=en"/);
  });

  it('refuses a wrong-type file, a tampered link and an unknown number, with nothing stored or reported', async () => {
    const html = await post(1, fields(), [{ name: 'bao-cao.pdf', bytes: HTML_BYTES }]);
    expect(html.status).toBe(415);
    const page = await html.text();
    expect(page).toContain('Tệp “bao-cao.pdf” không phải là PDF, DOCX, XLSX hoặc ODT');
    // The form comes back filled (the file must be chosen again).
    expect(page).toContain('Đã bổ sung báo cáo quý III, gửi kèm bản chụp.');
    expect(page).toContain('Vui lòng chọn lại tệp đính kèm');

    const tampered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const forged = await post(1, fields(), [{ name: 'ok.pdf', bytes: minimalPdf('forged') }], tampered);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Đường liên kết đã bị sửa đổi');

    const unknown = await post(7, fields(), [{ name: 'ok.pdf', bytes: minimalPdf('unknown') }]);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Không có kiến nghị số 7 trong kết luận kiểm tra của đơn vị.');
    const unknownEn = await fetch(`${link}/kien-nghi/7?lang=en`, {
      method: 'POST',
      body: new URLSearchParams(fields()),
    });
    expect(unknownEn.status).toBe(404);
    expect(await unknownEn.text()).toContain(
      'There is no recommendation no. 7 in your agency&#39;s inspection conclusion.',
    );

    expect(tree(files.root)).toEqual([]);
    expect(await reports(1)).toBe(0);
    expect((await database.db.prisma.recommendation.findMany()).map((r) => r.status)).toEqual([
      'open',
      'open',
    ]);
  });

  it('reports #1 with a PDF: stored by its hash, in the read model and the workflow; the same form twice is one report', async () => {
    const pdf = minimalPdf('khắc phục');
    const form = fields();
    const res = await post(1, form, [{ name: 'Báo cáo khắc phục.pdf', bytes: pdf }]);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/nhiem-vu\/[^?]+\?reported=1#kien-nghi-1$/);

    expect(tree(files.root)).toEqual([stored(pdf, 'pdf')]);
    expect(readFileSync(join(files.root, stored(pdf, 'pdf')))).toEqual(pdf);
    const row = await database.db.prisma.recommendation.findFirstOrThrow({ where: { number: 1 } });
    expect(row.status).toBe('reported');
    expect(row.evidenceSummary).toBe('Đã bổ sung báo cáo quý III, gửi kèm bản chụp.');
    expect(row.evidence).toEqual([
      {
        fileName: 'Báo cáo khắc phục.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        sha256: sha(pdf),
        storagePath: stored(pdf, 'pdf'),
      },
    ]);
    const rec = (await status()).recommendations[0]!;
    expect(rec.status).toBe('reported');
    expect(rec.reports).toMatchObject([
      { reportedBy: 'Trần Thanh Hà', summary: form.summary, evidence: ['Báo cáo khắc phục.pdf'] },
    ]);

    // The page: the confirmation, #1 reported with its file, no form for it; #2 still has one.
    const html = await (await fetch(`${base}${location}`)).text();
    expect(html).toContain('Đã ghi nhận báo cáo thực hiện kiến nghị số 1.');
    expect(html).toContain('Đơn vị đã báo cáo, chờ xem xét');
    expect(html).toContain(`Báo cáo khắc phục.pdf (${pdf.length} B)`);
    expect(html).not.toMatch(/kien-nghi\/1"/);
    expect(html).toMatch(/kien-nghi\/2"/);

    // Double click: the same key again is the same report, and the file is still there once.
    const again = await post(1, form, [{ name: 'Báo cáo khắc phục.pdf', bytes: pdf }]);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(location);
    expect(await reports(1)).toBe(1);
    expect(tree(files.root)).toEqual([stored(pdf, 'pdf')]);

    // Another form for #1 (another tab): refused, explained, the stored file (same content) kept.
    const other = await post(1, fields(), [{ name: 'copy.pdf', bytes: pdf }]);
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('Kiến nghị số 1 đã được báo cáo và đang chờ đoàn kiểm tra xem xét');
    const otherEn = await fetch(`${link}/kien-nghi/1?lang=en`, {
      method: 'POST',
      body: new URLSearchParams(fields()),
      redirect: 'manual',
    });
    expect(otherEn.status).toBe(409);
    expect(await otherEn.text()).toContain('Recommendation no. 1 was already reported');
    expect(await reports(1)).toBe(1);
    expect(tree(files.root)).toEqual([stored(pdf, 'pdf')]);
  });
  it('refuses a report on a closed recommendation (a form left open in a tab), in both languages', async () => {
    await handle.executeUpdate(closeRecommendationUpdate, {
      args: [{ number: 2, by: 'inspector:lan', note: 'Đã kiện toàn tại buổi làm việc.' }],
    });
    const html = await (await fetch(link)).text();
    expect(html).not.toMatch(/kien-nghi\/2"/);
    const before = tree(files.root);
    const res = await post(2, fields(), [{ name: 'to-cong-tac.pdf', bytes: minimalPdf('closed') }]);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Kiến nghị số 2 đã kết thúc; không thể gửi thêm báo cáo.');
    const en = await fetch(`${link}/kien-nghi/2?lang=en`, {
      method: 'POST',
      body: new URLSearchParams(fields()),
      redirect: 'manual',
    });
    expect(en.status).toBe(409);
    expect(await en.text()).toContain('Recommendation no. 2 is closed; no more reports can be sent.');
    expect(tree(files.root)).toEqual(before);
    expect(await reports(2)).toBe(0);
  });
});
