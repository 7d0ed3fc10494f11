import { createObligationActivities, ObligationContext } from '../../src/activities/obligations';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { seedCycle, type SeededCycle } from '../support/cycle-fixture';
import { freshDatabase, providers, testSmtpUrl, type TestDatabase } from '../support/databases';
import { TEST_FROM, TEST_LINKS } from '../support/worker';

/**
 * recordSubmission against a real database, when the agency submits the moment its milestone opens: the
 * workflow has set the stage and scheduled the request's recordObligation, which has not written the
 * obligation's row yet. The submission waits for that row instead of failing into a retry (2 s: weeks of
 * calendar in compressed time, with the agency's form waiting for the answer meanwhile).
 */
describe.each(providers)('recordSubmission racing the request’s record on %s', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;
  let activities: ReturnType<typeof createObligationActivities>;

  beforeAll(async () => {
    database = await freshDatabase(provider, `record_submission_${provider}`);
    seeded = await seedCycle(database.db, 2027);
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    activities = createObligationActivities({
      db: database.db,
      mailer,
      from: TEST_FROM,
      links: TEST_LINKS,
      context: new ObligationContext(database.db),
    });
  });

  afterAll(async () => {
    mailer?.close();
    await database?.drop();
  });

  const submission = (agencyCode: string, receiptNumber: string) => ({
    cycleId: seeded.cycleId,
    agencyCode,
    milestone: 'annual-plan',
    receiptNumber,
    at: Date.UTC(2027, 0, 15, 2),
    submittedBy: 'Đầu mối',
    summary: 'Kế hoạch triển khai năm 2027',
  });

  it('waits for the obligation’s row written a moment later, and stores the submission once', async () => {
    const recorded = activities.recordSubmission(submission('SO-YT', 'KH99-2027-0001'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await activities.recordObligation({
      cycleId: seeded.cycleId,
      agencyCode: 'SO-YT',
      milestone: 'annual-plan',
      due: '2027-02-12',
      stage: 'requested',
    });
    await recorded;
    const stored = await database.db.prisma.submission.findMany({
      where: { receiptNumber: 'KH99-2027-0001' },
      include: { obligation: { include: { agency: true } } },
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.obligation.agency.code).toBe('SO-YT');
    expect(stored[0]!.obligation.milestoneKey).toBe('annual-plan');
  });

  it('fails (to be retried) when the row never comes', async () => {
    await expect(activities.recordSubmission(submission('SO-TP', 'KH99-2027-0002'))).rejects.toThrow(
      /no obligation row for SO-TP annual-plan/,
    );
    expect(await database.db.prisma.submission.count({ where: { receiptNumber: 'KH99-2027-0002' } })).toBe(0);
  }, 20_000);
});
