import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type MailSummary, type TestMailServer } from '../../support/mailpit';
import { startDovecot, type TestImapServer } from '../../support/dovecot';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { fixture, minimalPdf } from '../../fixtures/files/documents';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { replyConfigFromEnv } from '../../../src/config/replies';
import { imapConfigFromEnv } from '../../../src/config/replies';
import { ReplyReader, DONE_KEYWORD } from '../../../src/web/replies/reader';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { remindNowUpdate, statusQuery } from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';
import { loadAgencyView } from '../../../src/web/dashboard/agency-page';

const YEAR = 2027;
const MAILBOX = 'vanthu@sovhttdl.dienbien.example';

/**
 * Agencies answer a task by replying to its email: the reply is read from a real IMAP server (dovecot on
 * loopback), matched to the task, and becomes a submission through the workflow's `submit` Update with the
 * portal's file checks; what cannot be taken is held and the sender told. Real Temporal (time-skipping),
 * worker, SMTP (Mailpit) and database.
 */
describe('replies to task emails, read from the mailbox', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let imap: TestImapServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let reader: ReplyReader;
  let mail: MailpitApi;
  const files = testFiles();
  const taskQueue = 'email-replies';
  const codes = ['SO-YT', 'SO-TC'];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'email_replies');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    imap = await startDovecot();
    mail = new MailpitApi(smtp.apiUrl);
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
    reader = new ReplyReader(
      imapConfigFromEnv({ PHOIHOP_IMAP_URL: imap.url })!,
      {
        db: database.db,
        temporal: env.client,
        mailer,
        from: TEST_FROM,
        files,
        links: TEST_LINKS,
        replies: replyConfigFromEnv({}, TEST_FROM, TEST_LINKS.secret),
        receiptClock: () => env.currentTimeMs(),
      },
      { info: () => undefined, warn: () => undefined },
    );
    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;
    for (const code of codes) {
      const input: AgencyObligationsInput = {
        cycleId: seeded.cycleId,
        program: 'dien-bien-kh99',
        year: YEAR,
        programVersionId: seeded.programVersionId,
        agency: { code, name: code === 'SO-YT' ? 'Sở Y tế' : 'Sở Tài chính', group: 'department' },
        milestones: [annual],
        calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
        clock: { originMs: localInstant(seeded.plan.startsOn, 7), scale: 1 },
        closesOn: seeded.plan.endsOn,
      };
      await env.client.workflow.start(agencyObligations, {
        taskQueue,
        workflowId: agencyWorkflowId('dien-bien-kh99', YEAR, code),
        args: [input],
      });
    }
    await env.sleep('3 hours');
    await mail.waitFor((m) => m.Subject.includes('Kế hoạch'), 2); // the focal point of each
  });

  afterAll(async () => {
    for (const code of codes) {
      await env?.client.workflow
        .getHandle(agencyWorkflowId('dien-bien-kh99', YEAR, code))
        .terminate('test done')
        .catch(() => undefined);
    }
    await reader?.stop();
    await worker?.stop();
    mailer?.close();
    await imap?.stop();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  async function raw(summary: MailSummary) {
    const res = await fetch(`${smtp.apiUrl}/api/v1/message/${summary.ID}/raw`);
    return simpleParser(Buffer.from(await res.arrayBuffer()));
  }

  /** The newest task email `to` got whose subject contains `subject` (one with a Reply-To: not a receipt). */
  async function taskEmail(to: string, subject: string) {
    const found = await mail.waitFor(
      (m) => m.To.some((t) => t.Address === to) && m.Subject.includes(subject),
    );
    for (const summary of found) {
      const parsed = await raw(summary);
      if (parsed.replyTo) return parsed;
    }
    throw new Error(`no task email with a Reply-To to ${to}`);
  }

  /** Puts a message into the replies mailbox, as the mail server would deliver it. */
  async function deliver(message: Mail.Options | Buffer): Promise<Buffer> {
    const bytes = Buffer.isBuffer(message) ? message : await new MailComposer(message).compile().build();
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: false,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
    });
    await client.connect();
    await client.append('INBOX', bytes);
    await client.logout();
    return bytes;
  }

  const status = (code: string) =>
    env.client.workflow
      .getHandle(agencyWorkflowId('dien-bien-kh99', YEAR, code))
      .query(statusQuery)
      .then((s) => s.obligations[0]!);

  const emailsTo = async (address: string) =>
    (await mail.list()).filter((m) => m.To.some((t) => t.Address === address));

  it('task emails carry a Reply-To with a signed code, their own Message-ID, and say what a reply does', async () => {
    const request = await taskEmail('ha.tt@soyt.dienbien.example', 'Kế hoạch');
    expect(request.replyTo?.value[0]?.address).toMatch(
      /^vanthu\+r[0-9a-z]+\.[0-9a-f]{12}@sovhttdl\.dienbien\.example$/,
    );
    expect(request.messageId).toMatch(/^<[0-9a-f]{32}\.phoihop@sovhttdl\.dienbien\.example>$/);
    expect(request.text).toContain(
      'Trả lời bằng email: đơn vị có thể trả lời (Reply) email này và đính kèm văn bản',
    );
    expect(request.text).toContain(
      'Answering by email: you may reply to this email with the documents attached',
    );
  });

  it('a reply with a PDF from the focal point becomes the submission, with the usual receipt, once', async () => {
    const request = await taskEmail('ha.tt@soyt.dienbien.example', 'Kế hoạch');
    const reply = await deliver({
      from: 'Trần Thanh Hà <ha.tt@soyt.dienbien.example>',
      to: request.replyTo!.text,
      subject: `Re: ${request.subject}`,
      inReplyTo: request.messageId,
      references: request.messageId,
      text:
        'Kính gửi Sở VHTTDL,\n\nSở Y tế gửi Kế hoạch triển khai năm 2027 (đính kèm).\n\nTrân trọng.\n-- \nTrần Thanh Hà\n' +
        'Phòng Kế hoạch, Sở Y tế\n\nVào Thứ Hai, Sở VHTTDL đã viết:\n> Đề nghị gửi kế hoạch',
      attachments: [{ filename: 'ke-hoach-2027.pdf', content: minimalPdf(), contentType: 'application/pdf' }],
    });
    const batch = await reader.readOnce();
    expect(batch.outcomes).toEqual([expect.objectContaining({ kind: 'done', status: 'submitted' })]);
    const row = await database.db.prisma.inboundMessage.findFirstOrThrow({ where: { status: 'submitted' } });
    expect(row).toMatchObject({
      matchedBy: 'reply-code',
      milestoneKey: 'annual-plan',
      workflowId: agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-YT'),
      summary: 'Kính gửi Sở VHTTDL,\n\nSở Y tế gửi Kế hoạch triển khai năm 2027 (đính kèm).\n\nTrân trọng.',
    });
    expect(row.receiptNumber).toMatch(/^2027-SO-YT-annual-plan-\d+$/);
    await env.sleep('1 minute');
    const obligation = await status('SO-YT');
    expect(obligation.stage).toBe('submitted');
    expect(obligation.submissions.at(-1)).toMatchObject({
      receiptNumber: row.receiptNumber,
      submittedBy: 'Trần Thanh Hà <ha.tt@soyt.dienbien.example>',
    });
    const stored = await database.db.prisma.submissionReceipt.findUniqueOrThrow({
      where: { receiptNumber: row.receiptNumber! },
    });
    expect(stored.attachments).toEqual([
      expect.objectContaining({ fileName: 'ke-hoach-2027.pdf', contentType: 'application/pdf' }),
    ]);
    // The workflow's receipt email, with the receipt number.
    const [receipt] = await mail.waitFor(
      (m) =>
        m.To.some((t) => t.Address === 'ha.tt@soyt.dienbien.example') &&
        m.Subject.includes(row.receiptNumber!),
    );
    expect(receipt).toBeDefined();

    // The same message again (delivered twice: a new UID) and another pass: nothing more happens.
    await deliver(reply);
    const again = await reader.readOnce();
    expect(again.outcomes).toEqual([{ kind: 'done', id: row.id, status: 'submitted' }]);
    expect(await database.db.prisma.submissionReceipt.count({ where: { agencyCode: 'SO-YT' } })).toBe(1);
    expect((await reader.readOnce()).seen).toBe(0); // every message is marked done
  });

  it('an out-of-office answer is recorded on the timeline, never taken nor answered', async () => {
    const request = await taskEmail('ha.tt@soyt.dienbien.example', 'Kế hoạch');
    const before = (await emailsTo('ha.tt@soyt.dienbien.example')).length;
    await deliver({
      from: 'Trần Thanh Hà <ha.tt@soyt.dienbien.example>',
      to: request.replyTo!.text,
      subject: 'Trả lời tự động: Tôi đang đi công tác đến hết ngày 25/01',
      headers: { 'Auto-Submitted': 'auto-replied' },
      inReplyTo: request.messageId,
      text: 'Tôi đang đi công tác, sẽ trả lời khi trở về.',
    });
    const batch = await reader.readOnce();
    expect(batch.outcomes).toEqual([expect.objectContaining({ status: 'recorded' })]);
    const row = await database.db.prisma.inboundMessage.findFirstOrThrow({ where: { kind: 'auto_reply' } });
    expect(row).toMatchObject({
      status: 'recorded',
      heldDetail: 'Auto-Submitted: auto-replied',
      milestoneKey: 'annual-plan',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await emailsTo('ha.tt@soyt.dienbien.example')).toHaveLength(before);
  });

  it('a reply from an unknown address, or one that matches no task, is held and its sender told', async () => {
    const request = await taskEmail('thao.lt@sotc.dienbien.example', 'Kế hoạch');
    await deliver({
      from: 'Người lạ <someone@gmail.example>',
      to: request.replyTo!.text,
      subject: `Re: ${request.subject}`,
      text: 'Gửi kế hoạch.',
      attachments: [{ filename: 'ke-hoach.pdf', content: minimalPdf() }],
    });
    await deliver({
      from: 'Trần Thanh Hà <ha.tt@soyt.dienbien.example>',
      to: MAILBOX,
      subject: 'Hỏi về hạn nộp báo cáo',
      text: 'Xin hỏi hạn nộp báo cáo 6 tháng?',
    });
    // From a contact of the agency, but the receiving server found DMARC failing: not taken as the agency's.
    await deliver({
      from: 'Lê Thanh Thảo <thao.lt@sotc.dienbien.example>',
      to: request.replyTo!.text,
      subject: `Re: ${request.subject}`,
      headers: {
        'Authentication-Results':
          'mx.sovhttdl.dienbien.example; spf=pass smtp.mailfrom=sotc.dienbien.example; dmarc=fail (p=none) header.from=sotc.dienbien.example',
      },
      text: 'Gửi kế hoạch.',
      attachments: [{ filename: 'ke-hoach.pdf', content: minimalPdf() }],
    });
    const batch = await reader.readOnce();
    expect(batch.outcomes.map((o) => (o as { status: string }).status)).toEqual(['held', 'held', 'held']);
    const held = await database.db.prisma.inboundMessage.findMany({
      where: { status: 'held' },
      orderBy: { id: 'asc' },
    });
    expect(held.map((h) => h.heldReason)).toEqual(['unknown-sender', 'no-match', 'auth-failed']);
    expect(held[2]!.heldDetail).toBe('dmarc=fail');
    const [spoofed] = await mail.waitFor(
      (m) =>
        m.To.some((t) => t.Address === 'thao.lt@sotc.dienbien.example') && m.Subject.includes('đang chờ'),
    );
    expect((await mail.get(spoofed!.ID)).Text).toContain(
      'không vượt qua kiểm tra xác thực người gửi (dmarc=fail)',
    );
    expect(held[0]).toMatchObject({
      workflowId: agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-TC'),
      fromAddress: 'someone@gmail.example',
    });
    const [told] = await mail.waitFor((m) => m.To.some((t) => t.Address === 'someone@gmail.example'));
    const body = (await mail.get(told!.ID)).Text;
    expect(told!.Subject).toContain('Thư trả lời của đơn vị đang chờ cơ quan chủ trì xem xét');
    expect(body).toContain(
      'địa chỉ gửi someone@gmail.example không phải là địa chỉ email đã đăng ký của đơn vị',
    );
    expect(body).toContain(
      'the sender someone@gmail.example is not a registered email address of the agency',
    );
    const [asked] = await mail.waitFor(
      (m) =>
        m.To.some((t) => t.Address === 'ha.tt@soyt.dienbien.example') && m.Subject.includes('Hỏi về hạn nộp'),
    );
    expect((await mail.get(asked!.ID)).Text).toContain('không tìm thấy nhiệm vụ tương ứng');
    expect((await status('SO-TC')).stage).not.toBe('submitted');
  });

  it('a reply to a reminder (cited by In-Reply-To) is the same task; a macro workbook is refused with the reason', async () => {
    const handle = env.client.workflow.getHandle(agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-TC'));
    await handle.executeUpdate(remindNowUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:test' }],
    });
    const [reminderSummary] = await mail.waitFor(
      (m) => m.To.some((t) => t.Address === 'thao.lt@sotc.dienbien.example') && /nhắc/i.test(m.Subject),
    );
    const reminder = await raw(reminderSummary!);
    const cite = { inReplyTo: reminder.messageId, references: reminder.messageId };
    await deliver({
      from: 'Lê Thanh Thảo <thao.lt@sotc.dienbien.example>',
      to: MAILBOX, // the plain mailbox: matched by the Message-ID it cites
      subject: `Re: ${reminder.subject}`,
      ...cite,
      text: 'Gửi số liệu.',
      attachments: [{ filename: 'so-lieu.xlsm', content: fixture('excel4-macro.xlsm') }],
    });
    const first = await reader.readOnce();
    expect(first.outcomes).toEqual([expect.objectContaining({ status: 'held' })]);
    const refused = await database.db.prisma.inboundMessage.findFirstOrThrow({
      where: { heldReason: 'files' },
    });
    expect(refused.matchedBy).toBe('in-reply-to');
    expect(refused.heldDetail).toContain('macro');
    const [told] = await mail.waitFor(
      (m) =>
        m.To.some((t) => t.Address === 'thao.lt@sotc.dienbien.example') && m.Subject.includes('đang chờ'),
    );
    expect((await mail.get(told!.ID)).Text).toContain('Tệp “so-lieu.xlsm” có trang macro Excel 4.0');

    await deliver({
      from: 'Lê Thanh Thảo <thao.lt@sotc.dienbien.example>',
      to: MAILBOX,
      subject: `Re: ${reminder.subject}`,
      ...cite,
      text: 'Gửi lại kế hoạch dạng PDF.',
      attachments: [{ filename: 'ke-hoach.pdf', content: minimalPdf('Ke hoach So Tai chinh') }],
    });
    const second = await reader.readOnce();
    expect(second.outcomes).toEqual([expect.objectContaining({ status: 'submitted' })]);
    await env.sleep('1 minute');
    expect((await status('SO-TC')).stage).toBe('submitted');
  });

  it('a message recorded by a reader that stopped before acting is acted on once, by the next, after its claim', async () => {
    const messageId = '<stopped-reader-1@soyt.dienbien.example>';
    // What a reader killed between recording and acting leaves: the row, claimed, the message unmarked.
    const row = await database.db.prisma.inboundMessage.create({
      data: {
        messageId,
        mailbox: reader.mailboxName,
        uidValidity: 1n,
        uid: 999_999n,
        kind: 'reply',
        fromAddress: 'ha.tt@soyt.dienbien.example',
        subject: 'Câu hỏi',
        sentAt: new Date(),
        claimedUntil: new Date(Date.now() + 60_000),
      },
    });
    await deliver({
      from: 'Trần Thanh Hà <ha.tt@soyt.dienbien.example>',
      to: MAILBOX,
      subject: 'Câu hỏi',
      messageId,
      text: 'Xin hỏi về biểu mẫu.',
    });
    // Its claim is live: another reader may be acting on it, so this one leaves it (unmarked).
    expect((await reader.readOnce()).outcomes).toEqual([{ kind: 'busy', id: row.id }]);
    await database.db.prisma.inboundMessage.update({
      where: { id: row.id },
      data: { claimedUntil: new Date(Date.now() - 1) },
    });
    expect((await reader.readOnce()).outcomes).toEqual([{ kind: 'done', id: row.id, status: 'held' }]);
    expect((await reader.readOnce()).seen).toBe(0);
    const answers = (await emailsTo('ha.tt@soyt.dienbien.example')).filter((m) =>
      m.Subject.includes('Câu hỏi'),
    );
    expect(answers).toHaveLength(1);
  });

  it('a reply to a task that asks for figures is answered with the task page’s link, and not taken', async () => {
    // The 6-month report's request, as the notification log holds it once sent (its figures are required).
    const workflowId = agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-TC');
    const agency = await database.db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-TC' } });
    const request = await database.db.prisma.notification.create({
      data: {
        idempotencyKey: `${workflowId}:report-6m:request:thao.lt@sotc.dienbien.example`,
        workflowId,
        cycleId: seeded.cycleId,
        agencyId: agency.id,
        milestoneKey: 'report-6m',
        step: 'report-6m:request',
        recipient: 'thao.lt@sotc.dienbien.example',
        messageId: '<report-6m-request@sovhttdl.dienbien.example>',
        status: 'sent',
        sentAt: new Date(),
      },
    });
    await deliver({
      from: 'Lê Thanh Thảo <thao.lt@sotc.dienbien.example>',
      to: MAILBOX,
      subject: 'Re: Báo cáo 6 tháng',
      inReplyTo: request.messageId!,
      text: 'Gửi báo cáo 6 tháng.',
      attachments: [{ filename: 'bao-cao.pdf', content: minimalPdf('Bao cao 6 thang') }],
    });
    expect((await reader.readOnce()).outcomes).toEqual([expect.objectContaining({ status: 'portal' })]);
    const [answer] = await mail.waitFor(
      (m) =>
        m.To.some((t) => t.Address === 'thao.lt@sotc.dienbien.example') &&
        m.Subject.startsWith('Vui lòng nộp số liệu trên trang nhiệm vụ'),
    );
    const text = (await mail.get(answer!.ID)).Text;
    expect(text).toContain('Nhiệm vụ này có số liệu bắt buộc');
    expect(text).toMatch(/https:\/\/phoihop\.dienbien\.example\/nhiem-vu\/[A-Za-z0-9._-]+/);
    expect(text).toContain('This task asks for figures');
    expect(await database.db.prisma.submissionReceipt.count({ where: { milestoneKey: 'report-6m' } })).toBe(
      0,
    );
  });

  it('shows every reply and automatic answer on the agency’s timeline in the dashboard', async () => {
    const view = await loadAgencyView(database.db, seeded.cycleId, 'SO-YT', 'vi');
    const replies = view!.timeline.filter((e) => e.kind === 'reply').map((e) => e.what);
    expect(replies).toEqual([
      expect.stringMatching(
        /^Thư trả lời: đã ghi nhận là văn bản nộp — Số tiếp nhận 2027-SO-YT-annual-plan-\d+$/,
      ),
      'Thư trả lời tự động (không xử lý)',
    ]);
    const other = await loadAgencyView(database.db, seeded.cycleId, 'SO-TC', 'en');
    expect(other!.timeline.filter((e) => e.kind === 'reply').map((e) => e.what)).toEqual([
      'Reply: awaiting review — the sender is not the agency’s',
      'Reply: awaiting review — failed the sender checks (SPF/DKIM/DMARC)',
      'Reply: awaiting review — attachments refused',
      expect.stringMatching(/^Reply: recorded as a submission/),
      'Reply: sent to the task page',
    ]);
  });

  it('running, notices new mail through IDLE without waiting for its next look', async () => {
    const idle = new ReplyReader(
      imapConfigFromEnv({ PHOIHOP_IMAP_URL: imap.url, PHOIHOP_IMAP_POLL_SECONDS: '3600' })!,
      {
        db: database.db,
        temporal: env.client,
        mailer,
        from: TEST_FROM,
        files,
        links: TEST_LINKS,
        replies: replyConfigFromEnv({}, TEST_FROM, TEST_LINKS.secret),
      },
      { info: () => undefined, warn: () => undefined },
    );
    idle.start();
    try {
      await new Promise((r) => setTimeout(r, 1000)); // its first pass done, it idles (the next look: 1 hour)
      await deliver({
        from: 'Trần Thanh Hà <ha.tt@soyt.dienbien.example>',
        to: MAILBOX,
        subject: 'Câu hỏi về biểu mẫu báo cáo',
        text: 'Xin gửi câu hỏi.',
      });
      // Well under the 15 s after which imapflow would start IDLE by itself, and the hour of polling.
      const deadline = Date.now() + 8_000;
      let row = null;
      while (!row && Date.now() < deadline) {
        row = await database.db.prisma.inboundMessage.findFirst({
          where: { subject: 'Câu hỏi về biểu mẫu báo cáo', status: 'held' },
        });
        if (!row) await new Promise((r) => setTimeout(r, 100));
      }
      expect(row).toMatchObject({ heldReason: 'no-match' });
    } finally {
      await idle.stop();
    }
  });

  it('marks what it has read in the mailbox, and keeps every message there', async () => {
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: false,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
    });
    await client.connect();
    await client.mailboxOpen('INBOX');
    const all = (await client.search({ all: true }, { uid: true })) || [];
    const open = (await client.search({ unKeyword: DONE_KEYWORD }, { uid: true })) || [];
    await client.logout();
    expect(all.length).toBe((await database.db.prisma.inboundMessage.count()) + 1); // one delivered twice
    expect(open).toEqual([]);
  });
});
