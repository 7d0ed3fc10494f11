import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import {
  CLAIM_LEASE_MS,
  NOTIFICATION_IN_PROGRESS,
  sendOnce,
  type NotifyInput,
} from '../../src/activities/notification-log';
import { createMailer } from '../../src/mail/mailer';
import {
  freshDatabase,
  providers,
  testMailpitApi,
  testSmtpUrl,
  type TestDatabase,
} from '../support/databases';
import { MailpitApi } from '../support/mailpit';

const FROM = 'Phối hợp <phoihop@example.gov.vn>';

/** The notification log's guarantee, on each database, counted at a real SMTP server. */
describe.each(providers)('sending through the notification log on %s', (provider) => {
  let database: TestDatabase;
  const mail = new MailpitApi(testMailpitApi());

  beforeAll(async () => {
    database = await freshDatabase(provider, `notify_${provider}`);
  });
  afterAll(async () => database?.drop());

  function input(to: string): NotifyInput {
    return {
      idempotencyKey: `test:${randomUUID()}:request:${to}`,
      workflowId: 'cycle:test:2027:SOYT',
      step: 'request',
      to,
      subject: 'Đề nghị gửi kế hoạch năm 2027',
      text: 'Kính gửi Sở Y tế, ...',
    };
  }

  it('sends the same notification once, however often it is asked', async () => {
    const mailer = createMailer({ url: testSmtpUrl(), from: FROM });
    const to = `once-${randomUUID()}@example.gov.vn`;
    const request = input(to);
    try {
      const first = await sendOnce(database.db, mailer, FROM, request);
      const second = await sendOnce(database.db, mailer, FROM, request);
      expect(first.alreadySent).toBe(false);
      expect(second).toEqual({ messageId: first.messageId, alreadySent: true });
    } finally {
      mailer.close();
    }
    await new Promise((r) => setTimeout(r, 300)); // let any stray delivery land before counting
    expect((await mail.list()).filter((m) => m.To.some((t) => t.Address === to))).toHaveLength(1);
    const rows = await database.db.prisma.notification.findMany({ where: { recipient: to } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', attempts: 1, claimedAt: null });
  });

  it('two attempts at the same moment send one email; the other is told to look again', async () => {
    const mailer = createMailer({ url: testSmtpUrl(), from: FROM });
    const to = `race-${randomUUID()}@example.gov.vn`;
    const request = input(to);
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, () => sendOnce(database.db, mailer, FROM, request)),
      );
    } finally {
      mailer.close();
    }
    const sent = outcomes.filter(
      (o) => o.status === 'fulfilled' && !(o.value as { alreadySent: boolean }).alreadySent,
    );
    expect(sent).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        expect(o.reason).toBeInstanceOf(ApplicationFailure);
        expect((o.reason as ApplicationFailure).type).toBe(NOTIFICATION_IN_PROGRESS);
        expect((o.reason as ApplicationFailure).nonRetryable).toBe(false);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await mail.list()).filter((m) => m.To.some((t) => t.Address === to))).toHaveLength(1);
  });

  it('leaves a live claim alone and takes over the claim of a crashed attempt', async () => {
    const mailer = createMailer({ url: testSmtpUrl(), from: FROM });
    const to = `crash-${randomUUID()}@example.gov.vn`;
    const request = input(to);
    // The state a worker killed in the middle of sending leaves behind: pending, claimed, attempted once.
    await database.db.prisma.notification.create({
      data: {
        idempotencyKey: request.idempotencyKey,
        workflowId: request.workflowId,
        step: request.step,
        recipient: to,
        attempts: 1,
        claimedAt: new Date(),
      },
    });
    try {
      const live = await sendOnce(database.db, mailer, FROM, request).catch((e: unknown) => e);
      expect((live as ApplicationFailure).type).toBe(NOTIFICATION_IN_PROGRESS);
      expect(
        await mail.list().then((all) => all.filter((m) => m.To.some((t) => t.Address === to))),
      ).toHaveLength(0);

      await database.db.prisma.notification.update({
        where: { idempotencyKey: request.idempotencyKey },
        data: { claimedAt: new Date(Date.now() - CLAIM_LEASE_MS - 1000) },
      });
      const taken = await sendOnce(database.db, mailer, FROM, request);
      expect(taken.alreadySent).toBe(false);
    } finally {
      mailer.close();
    }
    expect(await mail.waitFor((m) => m.To.some((t) => t.Address === to))).toHaveLength(1);
    const row = await database.db.prisma.notification.findUniqueOrThrow({
      where: { idempotencyKey: request.idempotencyKey },
    });
    expect(row).toMatchObject({ status: 'sent', attempts: 2, claimedAt: null });
    // The crashed attempt may have been stopped after the SMTP server took the email: the log row says the
    // recipient may have it twice (same Message-ID), for operators and for scripts/chaos's count.
    expect(row.error).toMatch(
      /^resent after an attempt that stopped while sending \(claimed at .+\); the recipient may have it twice, with the same Message-ID$/,
    );
  });

  it('two different keys to the same person are two emails', async () => {
    const mailer = createMailer({ url: testSmtpUrl(), from: FROM });
    const to = `twice-${randomUUID()}@example.gov.vn`;
    try {
      await sendOnce(database.db, mailer, FROM, input(to));
      await sendOnce(database.db, mailer, FROM, input(to));
    } finally {
      mailer.close();
    }
    expect(await mail.waitFor((m) => m.To.some((t) => t.Address === to), 2)).toHaveLength(2);
  });
});
