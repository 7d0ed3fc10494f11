import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { freshDatabase, testSmtpUrl, type TestDatabase } from '../support/databases';
import { seedCycle, type SeededCycle } from '../support/cycle-fixture';
import { runningWorker, TEST_FROM } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { calendarNow, localInstant } from '../../src/cycle/clock';
import { buildCalendarData } from '../../src/calendar/load';
import { yearsTouchedBy } from '../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../src/cycle/compute-plan';
import type { IsoDate } from '../../src/calendar/dates';
import { refusalOf } from '../../src/i18n/refusals';
import {
  RECEIPT_CLOCK_SKEW_MS,
  type AgencyObligationsStatus,
  type SubmitInput,
} from '../../src/workflows/obligation-types';
import { agencyObligations } from '../../src/workflows/agency-obligations';
import { acceptUpdate, statusQuery, submitUpdate } from '../../src/workflows/messages/agency-obligations';

const YEAR = 2027;
// Plan 99 in 2027: the annual plan is requested on Fri 15/01 at 08:00 and due Fri 12/02; the overdue
// notice goes out on Mon 15/02.

/**
 * The submission's time is the portal's receipt time (SubmitInput.receivedAt, wall-clock ms mapped
 * through the workflow's clock), not the time the workflow handles the Update: checked against the
 * workflow's clock (ahead by more than the skew tolerance: refused; within it: taken as now) and against
 * the request (before it: refused); lateness and the stored submission come from it.
 */
describe('the submission time is the receipt time (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  const taskQueue = `receipt-time-${randomUUID()}`;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    database = await freshDatabase('sqlite', 'receipt_time');
    seeded = await seedCycle(database.db, YEAR);
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer, bundle });
  });

  afterAll(async () => {
    await worker?.stop();
    mailer?.close();
    await database?.drop();
    await env?.teardown();
  });

  async function start(): Promise<{ handle: WorkflowHandle; workflowId: string }> {
    const plan = seeded.plan;
    const workflowId = `cycle:dien-bien-kh99:${YEAR}:SO-YT:${randomUUID().slice(0, 8)}`;
    const handle = await env.client.workflow.start(agencyObligations, {
      taskQueue,
      workflowId,
      args: [
        {
          cycleId: seeded.cycleId,
          program: 'dien-bien-kh99',
          year: YEAR,
          programVersionId: seeded.programVersionId,
          agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
          milestones: [plan.milestones.find((m) => m.key === 'annual-plan')!],
          calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
          clock: { originMs: localInstant(plan.startsOn, 7), scale: 1 },
          closesOn: '2027-03-31',
        },
      ],
    });
    return { handle: handle as WorkflowHandle, workflowId };
  }

  async function clockOf(handle: WorkflowHandle) {
    return (await handle.query(statusQuery)).clock;
  }

  /** The wall-clock ms (workflow time) at which the workflow's calendar reads `instant`. */
  async function wallAt(handle: WorkflowHandle, instant: number): Promise<number> {
    const clock = await clockOf(handle);
    return clock.startedMs + (instant - clock.originMs) / clock.scale;
  }

  async function advanceTo(handle: WorkflowHandle, date: IsoDate, hour: number): Promise<void> {
    const clock = await clockOf(handle);
    const delta = localInstant(date, hour) - calendarNow(clock, await env.currentTimeMs());
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta / clock.scale);
  }

  const form = (extra: Partial<SubmitInput>): SubmitInput => ({
    milestone: 'annual-plan',
    submittedBy: 'Trần Thanh Hà',
    summary: 'Kế hoạch số 12/KH-SYT',
    ...extra,
  });

  async function refusalCode(handle: WorkflowHandle, input: SubmitInput): Promise<string | undefined> {
    const err: unknown = await handle
      .executeUpdate(submitUpdate, { args: [input], updateId: randomUUID() })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return refusalOf(err as WorkflowUpdateFailedError)?.code;
  }

  it('sent before midnight of the due day, handled after it: on time, at the receipt time', async () => {
    const { handle, workflowId } = await start();
    // The worker "comes back" on Monday, after the overdue notice.
    await advanceTo(handle, '2027-02-15', 10);
    const sentAt = localInstant('2027-02-12', 23, 30);
    const receivedAt = await wallAt(handle, sentAt);

    // Ahead of the workflow's clock by more than the tolerance, or before the request: refused.
    const now = await env.currentTimeMs();
    expect(
      await refusalCode(
        handle,
        form({ receivedAt: now + RECEIPT_CLOCK_SKEW_MS + 60_000, receiptNumber: 'x-1' }),
      ),
    ).toBe('receipt-in-future');
    const beforeRequest = await wallAt(handle, localInstant('2027-01-15', 7, 30));
    expect(await refusalCode(handle, form({ receivedAt: beforeRequest, receiptNumber: 'x-1' }))).toBe(
      'receipt-before-request',
    );
    expect(await refusalCode(handle, form({ receivedAt: Number.NaN, receiptNumber: 'x-1' }))).toBe(
      'receipt-invalid',
    );

    const receiptNumber = `${YEAR}-SO-YT-annual-plan-1`;
    const result = await handle.executeUpdate(submitUpdate, {
      args: [form({ receivedAt, receiptNumber })],
      updateId: 'portal:annual-plan:first',
    });
    expect(result).toEqual({ receiptNumber, lateByWorkingDays: 0 });
    // Delivered again under another Update ID (as after a continue-as-new): the same answer, one submission.
    const again = await handle.executeUpdate(submitUpdate, {
      args: [form({ receivedAt, receiptNumber })],
      updateId: 'portal:annual-plan:again',
    });
    expect(again).toEqual(result);
    const status = (await handle.query(statusQuery)).obligations[0]!;
    expect(status.submissions).toHaveLength(1);
    expect(status.submissions[0]!.at).toBe(sentAt);
    const stored = await database.db.prisma.submission.findUniqueOrThrow({ where: { receiptNumber } });
    expect(stored.submittedAt.getTime()).toBe(sentAt);

    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:test' }],
    });
    const final = (await handle.result()) as AgencyObligationsStatus;
    expect(final.obligations[0]).toMatchObject({ stage: 'accepted' });
    expect(final.obligations[0]!.lateByWorkingDays).toBeUndefined();
    await recordHistory(env, workflowId, 'agency-obligations-receipt-time');
  });

  it('a receipt a little ahead of the workflow’s clock is taken as now; a late one counts late', async () => {
    const { handle } = await start();
    await advanceTo(handle, '2027-02-16', 10);
    const now = await env.currentTimeMs();
    const result = await handle.executeUpdate(submitUpdate, {
      args: [form({ receivedAt: now + 60_000, receiptNumber: `${YEAR}-SO-YT-annual-plan-7` })],
    });
    // Tue 16/02 after a Fri 12/02 due date: two working days late.
    expect(result).toEqual({ receiptNumber: `${YEAR}-SO-YT-annual-plan-7`, lateByWorkingDays: 2 });
    const [submission] = (await handle.query(statusQuery)).obligations[0]!.submissions;
    const clock = await clockOf(handle);
    expect(submission!.at).toBeLessThan(calendarNow(clock, now + 60_000));
    expect(submission!.at).toBeGreaterThanOrEqual(calendarNow(clock, now));
    await handle.terminate('test done');
  });
});
