import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLocalEnv } from '../support/temporal';
import { freshDatabase, type TestDatabase } from '../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../support/mailpit';
import { seedCycle } from '../support/cycle-fixture';
import { runningWorker, TEST_FROM } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { buildCalendarData } from '../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../src/cycle/compute-plan';
import { localInstant } from '../../src/cycle/clock';
import { yearsTouchedBy } from '../../src/cycle/plan';
import type { AgencyObligationsInput } from '../../src/workflows/obligation-types';
import { agencyObligations } from '../../src/workflows/agency-obligations';

const YEAR = 2027;
const AGENCIES = 12;
const RATE = 2;

/**
 * The email rate limit is the Temporal server's, on the mail task queue: a fan-out of requests to many
 * agencies at the same moment reaches the SMTP server no faster than SMTP_MAX_PER_SECOND.
 */
describe('email rate limit on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: TestMailServer;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  const taskQueue = `rate-${randomUUID()}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await freshDatabase('sqlite', 'mail_rate');
    smtp = await startMailpit();
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    worker = await runningWorker(env, {
      taskQueue,
      db: database.db,
      mailer,
      bundle,
      maxEmailsPerSecond: RATE,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    await database?.drop();
    await env?.teardown();
  });

  it(`${AGENCIES} requests due at the same moment arrive at ${RATE} per second, each once`, async () => {
    const seeded = await seedCycle(database.db, YEAR);
    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;
    const agencies = await database.db.prisma.agency.findMany({
      where: { group: 'department' },
      orderBy: { code: 'asc' },
      take: AGENCIES,
    });
    expect(agencies).toHaveLength(AGENCIES);
    const calendar = buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR);
    // The calendar starts at the hour the requests go out: every workflow sends at once.
    const clock = { originMs: localInstant(annual.requestOn, 8), scale: 1 };
    await Promise.all(
      agencies.map((a) => {
        const input: AgencyObligationsInput = {
          cycleId: seeded.cycleId,
          program: 'dien-bien-kh99',
          year: YEAR,
          programVersionId: seeded.programVersionId,
          agency: { code: a.code, name: a.name, group: a.group },
          milestones: [annual],
          calendar,
          clock,
          closesOn: seeded.plan.endsOn,
        };
        return env.client.workflow.start(agencyObligations, {
          taskQueue,
          workflowId: `rate:${a.code}:${randomUUID().slice(0, 8)}`,
          args: [input],
        });
      }),
    );

    const mail = new MailpitApi(smtp.apiUrl);
    const arrived = await mail.waitFor(() => true, AGENCIES, 60_000);
    const times = arrived.map((m) => Date.parse(m.Created)).sort((a, b) => a - b);
    // The server's limiter lets a burst of up to RATE through, then one every 1/RATE seconds: the last of
    // the requests cannot arrive before (AGENCIES - RATE) / RATE seconds after the first (less a little
    // slack for clock granularity). Without the limit, all of them arrive within well under a second.
    const spreadMs = times.at(-1)! - times[0]!;
    expect(spreadMs).toBeGreaterThanOrEqual(((AGENCIES - RATE) / RATE) * 1000 * 0.9);
    // No second in which more than twice the rate arrived (burst plus refill).
    for (const t of times) {
      expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2 * RATE);
    }
    expect(new Set(arrived.map((m) => m.MessageID)).size).toBe(AGENCIES);
  });
});
