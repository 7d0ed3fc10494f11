import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { minimalPdf } from '../../fixtures/files/documents';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { returnUpdate, statusQuery } from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

const YEAR = 2027;

/**
 * The task page through a review round: an extension request sent from the page reaches the workflow
 * (the coordinator decides), a returned submission shows the coordinator's reason and the new due date and
 * takes a new submission, and the page keeps the history. Real Temporal, worker, SMTP and database.
 */
describe('the agency portal through extension requests and a return for revision', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let app: FastifyInstance;
  let base: string;
  const files = testFiles();
  let link: string;
  const taskQueue = 'agency-review';
  const workflowId = agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-YT');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'agency_review');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => localInstant('2027-01-20', 10),
      temporal: env.client,
      // Submissions are stamped with the time-skipping server's time, the workflows' clock.
      receiptClock: () => env.currentTimeMs(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;
    const input: AgencyObligationsInput = {
      cycleId: seeded.cycleId,
      program: 'dien-bien-kh99',
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
      milestones: [annual],
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      clock: { originMs: localInstant(seeded.plan.startsOn, 7), scale: 1 },
      closesOn: seeded.plan.endsOn,
    };
    await env.client.workflow.start(agencyObligations, { taskQueue, workflowId, args: [input] });
    await env.sleep('3 hours');
    const mail = new MailpitApi(smtp.apiUrl);
    const [request] = await mail.waitFor((m) => m.Subject.includes('Kế hoạch'), 1);
    const text = (await mail.get(request!.ID)).Text;
    const found = /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(text);
    expect(found).not.toBeNull();
    link = `${base}${found![1]}`;
  });

  afterAll(async () => {
    await env?.client.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
    await app?.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  const status = () =>
    env.client.workflow
      .getHandle(workflowId)
      .query(statusQuery)
      .then((s) => s.obligations[0]!);

  function askForTime(fields: Record<string, string>, lang = ''): Promise<Response> {
    return fetch(`${link}/gia-han${lang}`, {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
  }

  function submit(fields: Record<string, string>, pdf: Buffer): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('attachments', new Blob([pdf]), 'ke-hoach.pdf');
    return fetch(link, { method: 'POST', body: form, redirect: 'manual' });
  }

  const extensionRequests = () =>
    database.db.prisma.auditEvent.count({ where: { action: 'obligation.request-extension' } });

  it('offers an extension request form that posts to the task’s own address', async () => {
    const html = await (await fetch(link)).text();
    const token = link.split('/').at(-1)!;
    expect(html).toContain('<h2>Đề nghị gia hạn</h2>');
    expect(html).toContain(`<form method="post" action="/nhiem-vu/${token}/gia-han">`);
    expect(html).toContain('<input type="date" name="until" required>');
    const en = await (await fetch(`${link}?lang=en`)).text();
    expect(en).toContain(`action="/nhiem-vu/${token}/gia-han?lang=en"`);
    expect(en).toContain('<h2>Ask for more time</h2>');
  });

  it('refuses an extension request the workflow would refuse, or an incomplete one, in both languages', async () => {
    const early = await askForTime({
      until: '2027-02-10',
      reason: 'Chờ ý kiến của Ban Giám đốc',
      requestedBy: 'Trần Thanh Hà',
      key: randomUUID(),
    });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain(
      'Ngày đề nghị gia hạn phải sau hạn gửi hiện tại. (Hạn hiện tại: 12/02/2027)',
    );
    const earlyEn = await askForTime(
      { until: '2027-02-12', reason: 'Waiting', requestedBy: 'Hà', key: randomUUID() },
      '?lang=en',
    );
    expect(earlyEn.status).toBe(409);
    expect(await earlyEn.text()).toContain(
      'The date you ask for must be after the current due date. (Current due date: 12/02/2027)',
    );
    const incomplete = await askForTime({
      until: '2027-02-30',
      reason: ' ',
      requestedBy: 'Hà',
      key: randomUUID(),
    });
    expect(incomplete.status).toBe(400);
    const text = await incomplete.text();
    expect(text).toContain('Đề nghị gia hạn đến ngày: Vui lòng nhập ngày hợp lệ.');
    expect(text).toContain('Vui lòng nhập “Lý do”.');
    expect(await extensionRequests()).toBe(0);
    expect((await status()).notes.filter((n) => n.startsWith('extension requested'))).toEqual([]);
  });

  it('sends an extension request to the workflow once, and says the coordinator decides', async () => {
    const fields = {
      until: '2027-02-26',
      reason: 'Chờ ý kiến của Ban Giám đốc Sở',
      requestedBy: 'Trần Thanh Hà',
      key: randomUUID(),
    };
    const res = await askForTime(fields);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/\?extension=2027-02-26$/);
    // A double click: the same Update ID, one request.
    expect((await askForTime(fields)).status).toBe(303);
    expect(await extensionRequests()).toBe(1);
    expect((await status()).notes).toContain(
      'extension requested by Trần Thanh Hà until 2027-02-26: Chờ ý kiến của Ban Giám đốc Sở',
    );
    const html = await (await fetch(`${base}${location}`)).text();
    expect(html).toContain(
      'Đã ghi nhận đề nghị gia hạn đến ngày 26/02/2027. Cơ quan chủ trì sẽ xem xét và quyết định; trong khi chờ, hạn gửi hiện tại vẫn giữ nguyên.',
    );
    expect(html).toContain('đến ngày 26/02/2027 – Trần Thanh Hà: Chờ ý kiến của Ban Giám đốc Sở');
    // The due date has not moved.
    expect(html).toContain('<dd>12/02/2027 (');
  });

  it('shows a returned submission’s reason and new due date, and takes a new submission', async () => {
    const first = await submit(
      { submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH-SYT', key: randomUUID() },
      minimalPdf('v1'),
    );
    expect(first.status).toBe(303);
    const due = await env.client.workflow.getHandle(workflowId).executeUpdate(returnUpdate, {
      args: [
        {
          milestone: 'annual-plan',
          by: 'coordinator:lo.thi.huong',
          reason: 'Thiếu phụ lục số liệu về kinh phí',
          until: '2027-03-01',
        },
      ],
    });
    expect(due).toBe('2027-03-01');
    // The returned email reaches the agency; the read model has the reason by then.
    const mail = new MailpitApi(smtp.apiUrl);
    await mail.waitFor((m) => m.Subject.startsWith('Đề nghị hoàn thiện'), 1);

    const html = await (await fetch(link)).text();
    expect(html).toContain('Trả lại để hoàn thiện');
    expect(html).toContain('<h2>Văn bản được trả lại để hoàn thiện</h2>');
    expect(html).toContain('<strong>Lý do:</strong> Thiếu phụ lục số liệu về kinh phí');
    expect(html).toContain('<strong>Hạn gửi mới:</strong> 01/03/2027');
    expect(html).toContain('<form method="post" enctype="multipart/form-data">');
    expect(html).toMatch(/<td[^>]*>Đã trả lại: Thiếu phụ lục số liệu về kinh phí<\/td>/);
    expect(html).toMatch(/<td>Trả lại<\/td><td[^>]*>ha\.tt@soyt\.dienbien\.example<\/td>/);
    const en = await (await fetch(`${link}?lang=en`)).text();
    expect(en).toContain('<strong>Reason:</strong> Thiếu phụ lục số liệu về kinh phí');
    expect(en).toContain('<strong>New due date:</strong> 01/03/2027');

    const second = await submit(
      { submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH-SYT (bổ sung phụ lục)', key: randomUUID() },
      minimalPdf('v2'),
    );
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toMatch(/\?receipt=2027-SO-YT-annual-plan-2$/);
    const after = await (await fetch(link)).text();
    expect(after).toContain('Đã gửi, đang chờ xem xét');
    expect(after).not.toContain('Văn bản được trả lại để hoàn thiện');
    expect(after).toMatch(
      /2027-SO-YT-annual-plan-1<\/td>[\s\S]*Đã trả lại[\s\S]*2027-SO-YT-annual-plan-2<\/td>/,
    );
    expect(
      await database.db.prisma.submission.findMany({
        select: { receiptNumber: true, status: true, reviewNote: true },
        orderBy: { id: 'asc' },
      }),
    ).toEqual([
      {
        receiptNumber: '2027-SO-YT-annual-plan-1',
        status: 'returned',
        reviewNote: 'Thiếu phụ lục số liệu về kinh phí',
      },
      { receiptNumber: '2027-SO-YT-annual-plan-2', status: 'received', reviewNote: null },
    ]);
    expect(await database.db.prisma.attachment.count()).toBe(2);
  });
});
