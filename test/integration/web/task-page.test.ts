import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localDate, localInstant } from '../../../src/cycle/clock';
import { Prisma } from '../../../src/generated/prisma-sqlite/client';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { signTaskToken } from '../../../src/links/task-link';
import { buildWebServer } from '../../../src/web/server';
import { testFiles } from '../../support/files';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

const YEAR = 2027;

/**
 * The link in a real request email (sent by the real workflow and activities, caught by a real SMTP
 * server) opens the task page on the portal; a link that was altered, cut, expired or points nowhere gets a
 * page that says so.
 */
describe('the task page an email link opens', () => {
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
  const taskQueue = 'task-page';
  const workflowId = agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-YT');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'task_page');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    // "Today", for the page, is 20/01/2027: five days after the request went out.
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
    // The request goes out at 08:00 on 15/01; let the (skipped) clock pass it.
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

  it('shows the agency, the task, the due date with the working days left, the status and the emails sent', async () => {
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<h1>Kế hoạch triển khai năm 2027</h1>');
    expect(html).toContain('Sở Y tế');
    expect(html).toContain('99/KH-UBND');
    // Due Fri 12/02/2027; from Wed 20/01, Tết (04/02 to 10/02) does not count.
    expect(html).toMatch(/12\/02\/2027 \(<span class="">còn 12 ngày làm việc<\/span>\)/);
    expect(html).toContain('Đang chờ đơn vị gửi');
    // The request email, dated when the SMTP server took it (wall-clock time: the test server skips time).
    expect(html).toMatch(
      /\d\d\/\d\d\/\d{4}<\/td><td>Đề nghị<\/td><td[^>]*>ha\.tt@soyt\.dienbien\.example<\/td>/,
    );
  });

  it('speaks English on request', async () => {
    const html = await (await fetch(`${link}?lang=en`)).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Annual implementation plan 2027</h1>');
    expect(html).toContain('Department of Health');
    expect(html).toContain('12 working days left');
    expect(html).toContain('Waiting for your submission');
  });

  it('refuses a link that was altered, cut, expired or points at no task, saying which', async () => {
    const token = link.split('/').at(-1)!;
    const [header, payload, signature] = token.split('.');
    const other = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...other, a: 'SO-TP' })).toString('base64url')}.${signature}`;
    const cases: [string, number, string][] = [
      [altered, 403, 'đã bị sửa đổi hoặc không do hệ thống này cấp'],
      [token.slice(0, 40), 400, 'không đầy đủ hoặc bị cắt'],
      [
        signTaskToken(
          { cycleId: workflowId, agency: 'SO-YT', milestone: 'annual-plan' },
          new Date('2020-01-01T00:00:00Z'),
          TEST_LINKS.secret,
        ),
        410,
        'đã hết hạn',
      ],
      [
        signTaskToken(
          {
            cycleId: agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-TP'),
            agency: 'SO-TP',
            milestone: 'annual-plan',
          },
          new Date('2099-01-01T00:00:00Z'),
          TEST_LINKS.secret,
        ),
        404,
        'Không tìm thấy nhiệm vụ này',
      ],
    ];
    for (const [bad, status, message] of cases) {
      const res = await fetch(`${base}/nhiem-vu/${bad}`);
      expect({ status: res.status, says: (await res.text()).includes(message) }).toEqual({
        status,
        says: true,
      });
    }
  });

  /** Posts the task page's form, as a browser would (no redirect following). */
  function post(fields: Record<string, string>, url = link): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
  }

  it('counts the days and dates its emails in the cycle’s calendar when the cycle has a clock (compressed time)', async () => {
    // The real present (the server's "now", 20/01 10:00) is 15/02 10:00 in this cycle's calendar.
    const clock = {
      originMs: localInstant('2027-02-15', 10),
      startedMs: localInstant('2027-01-20', 10),
      scale: 1,
    };
    const sentAt = (await database.db.prisma.notification.findFirstOrThrow({ where: { workflowId } }))
      .sentAt!;
    await database.db.prisma.cycle.update({ where: { id: seeded.cycleId }, data: { clock } });
    try {
      const html = await (await fetch(link)).text();
      // Due Fri 12/02; Mon 15/02 is one working day late, whatever the real date.
      expect(html).toMatch(/12\/02\/2027 \(<span class="late">quá hạn 1 ngày làm việc<\/span>\)/);
      expect(html).not.toContain('còn 12 ngày làm việc');
      const shown = localDate(sentAt.getTime() + (clock.originMs - clock.startedMs));
      expect(html).toContain(
        `${shown.slice(8)}/${shown.slice(5, 7)}/${shown.slice(0, 4)}</td><td>Đề nghị</td>`,
      );
    } finally {
      await database.db.prisma.cycle.update({
        where: { id: seeded.cycleId },
        data: { clock: Prisma.DbNull },
      });
    }
  });

  it('offers the submission form while the task is open, with a one-time key', async () => {
    const html = await (await fetch(link)).text();
    expect(html).toMatch(/<form method="post" enctype="multipart\/form-data">/);
    const keys = [html, await (await fetch(link)).text()].map(
      (h) => /name="key" value="([0-9a-f-]{36})"/.exec(h)![1],
    );
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('refuses an incomplete form, saying what is missing, and stores nothing', async () => {
    const res = await post({ submittedBy: 'Trần Thanh Hà', summary: '  ', key: randomUUID() });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Vui lòng nhập “Tóm tắt nội dung”.');
    const long = await post({ submittedBy: 'x'.repeat(201), summary: 'Kế hoạch', key: randomUUID() });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('“Người chịu trách nhiệm” dài quá 200 ký tự.');
    expect(await database.db.prisma.submission.count()).toBe(0);
  });

  it('takes a submission: a receipt on the page and by email; a double submit makes one submission', async () => {
    const key = randomUUID();
    const fields = { submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH-SYT năm 2027', key };
    const first = await post(fields);
    expect(first.status).toBe(303);
    const location = first.headers.get('location')!;
    expect(location).toMatch(/\?receipt=2027-SO-YT-annual-plan-1$/);
    const html = await (await fetch(`${base}${location}`)).text();
    expect(html).toContain('Đã tiếp nhận. Số tiếp nhận: 2027-SO-YT-annual-plan-1.');
    expect(html).toContain('Đã gửi, đang chờ xem xét');
    expect(html).not.toMatch(/<form method="post" enctype="multipart\/form-data">/);

    // The same form again (a double click, or a retry after a timeout): the same receipt, one submission.
    const again = await post(fields);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(location);
    // Another tab's form: refused, the first submission stands.
    const other = await post({ ...fields, key: randomUUID() });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('Văn bản đã được gửi và đang chờ xem xét');
    expect(await database.db.prisma.submission.findMany({ select: { receiptNumber: true } })).toEqual([
      { receiptNumber: '2027-SO-YT-annual-plan-1' },
    ]);

    const mail = new MailpitApi(smtp.apiUrl);
    const receipts = await mail.waitFor((m) => m.Subject.startsWith('Đã tiếp nhận'), 1);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.Subject).toContain('2027-SO-YT-annual-plan-1');
  });
});
