import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type UpdateDefinition,
  type WorkflowHandle,
} from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { createTimeSkippingEnv } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { freshDatabase, testMailpitApi, testSmtpUrl, type TestDatabase } from '../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../support/mailpit';
import { freePort } from '../support/ports';
import { seedCycle, type SeededCycle } from '../support/cycle-fixture';
import { runningWorker, testWorker, TEST_FROM } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { summarizeCycle } from '../../src/reports/cycle-summary';
import { localInstant } from '../../src/cycle/clock';
import { buildCalendarData } from '../../src/calendar/load';
import { yearsTouchedBy } from '../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../src/cycle/compute-plan';
import type { AgencyObligationsStatus, ObligationStatus } from '../../src/workflows/obligation-types';
import type { IsoDate } from '../../src/calendar/dates';
import { PhMilestone, PhStage } from '../../src/workflows/search-attributes';
import { refusalOf } from '../../src/i18n/refusals';
import {
  acceptUpdate,
  extendUpdate,
  remindNowUpdate,
  requestExtensionUpdate,
  returnUpdate,
  statusQuery,
  submitUpdate,
  waiveUpdate,
} from '../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../src/workflows/agency-obligations';

const YEAR = 2027;
const EventType = proto.api.enums.v1.EventType;
// Plan 99 in 2027: the annual plan is requested on Fri 15/01, reminded on 29/01, 03/02 and 12/02, due
// Fri 12/02; overdue notice Mon 15/02, head Wed 17/02, leadership Fri 19/02 (see test/unit/cycle).

/**
 * One agency's annual-plan obligation through a whole year on the time-skipping server, with the real
 * activities: the database read model and notification log, and emails rendered from the program's
 * templates and sent to a real SMTP server.
 */
describe('agencyObligations (time-skipping server, real activities)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  const taskQueue = `obligations-${randomUUID()}`;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    database = await freshDatabase('sqlite', 'agency_obligations');
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

  /** Starts a fresh workflow for the agency's annual plan (a unique agency workflow ID per test). */
  async function start(
    agencyCode = 'SO-YT',
    name = 'Sở Y tế',
    queue = taskQueue,
    {
      milestones = ['annual-plan'],
      closesOn = '2027-03-31',
    }: { milestones?: string[]; closesOn?: IsoDate } = {},
  ) {
    const plan = seeded.plan;
    const workflowId = `cycle:dien-bien-kh99:${YEAR}:${agencyCode}:${randomUUID().slice(0, 8)}`;
    const handle = await env.client.workflow.start(agencyObligations, {
      taskQueue: queue,
      workflowId,
      args: [
        {
          cycleId: seeded.cycleId,
          program: 'dien-bien-kh99',
          year: YEAR,
          programVersionId: seeded.programVersionId,
          agency: { code: agencyCode, name, group: 'department' },
          milestones: milestones.map((key) => plan.milestones.find((m) => m.key === key)!),
          calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
          clock: { originMs: localInstant(plan.startsOn, 7), scale: 1 },
          closesOn,
        },
      ],
    });
    return { handle: handle as WorkflowHandle, workflowId };
  }

  /** Lets time run (skipped) until a local date and hour of the calendar. */
  async function advanceTo(handle: WorkflowHandle, date: IsoDate, hour = 12): Promise<void> {
    const { clock } = await handle.query(statusQuery);
    const calendarNow = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    const delta = localInstant(date, hour) - calendarNow;
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta / clock.scale);
  }

  async function annual(handle: WorkflowHandle): Promise<ObligationStatus> {
    return (await handle.query(statusQuery)).obligations[0]!;
  }

  async function stepsSent(workflowId: string): Promise<string[]> {
    const rows = await database.db.prisma.notification.findMany({
      where: { workflowId, status: 'sent' },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => `${r.step.split(':').slice(1).join(':')} → ${r.recipient}`);
  }

  it('on time: request, two reminders, submission, acceptance; no escalation', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-02-04'); // after the reminders of 29/01 and 03/02
    expect((await annual(handle)).stage).toBe('reminded');
    const receipt = await handle.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH-SYT' }],
    });
    expect(receipt).toEqual({ receiptNumber: '2027-SO-YT-annual-plan-1', lateByWorkingDays: 0 });
    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    expect(result.obligations[0]).toMatchObject({ stage: 'accepted', escalated: [], flagged: false });
    expect(result.obligations[0]!.lateByWorkingDays).toBeUndefined();
    expect(await stepsSent(workflowId)).toEqual([
      'r0:request → ha.tt@soyt.dienbien.example',
      'r0:remind-5 → ha.tt@soyt.dienbien.example',
      'r0:remind-2 → ha.tt@soyt.dienbien.example',
      'r0:received-1 → ha.tt@soyt.dienbien.example',
      'r0:accepted → ha.tt@soyt.dienbien.example',
    ]);
    // Each email is logged against the agency it is about (the dashboard and exports read it so).
    const agency = await database.db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-YT' } });
    const logged = await database.db.prisma.notification.findMany({ where: { workflowId } });
    expect(logged.map((n) => n.agencyId)).toEqual(logged.map(() => agency.id));
    const stored = await database.db.prisma.submission.findUniqueOrThrow({
      where: { receiptNumber: '2027-SO-YT-annual-plan-1' },
    });
    expect(stored).toMatchObject({ submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH-SYT' });
  });

  it('late after the reminders and the overdue notice: accepted, late by 2 working days', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-02-16'); // due Fri 12/02; overdue notice Mon 15/02
    expect((await annual(handle)).stage).toBe('overdue');
    const receipt = await handle.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch (nộp muộn)' }],
    });
    expect(receipt.lateByWorkingDays).toBe(2);
    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    expect(result.obligations[0]).toMatchObject({
      stage: 'accepted',
      lateByWorkingDays: 2,
      escalated: ['overdue'],
    });
    const steps = await stepsSent(workflowId);
    expect(steps.filter((s) => s.includes('remind-'))).toHaveLength(3);
    expect(steps).toContain('r0:overdue → ha.tt@soyt.dienbien.example');
    expect(steps.some((s) => s.includes('escalate-'))).toBe(false);
  });

  it('submitted on the Saturday after a Friday deadline: late by one working day, not on time', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-02-13'); // due Fri 12/02; a Saturday, before the overdue notice of Mon 15/02
    expect((await annual(handle)).stage).toBe('overdue');
    const receipt = await handle.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch (gửi thứ Bảy)' }],
    });
    expect(receipt.lateByWorkingDays).toBe(1);
    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    expect(result.obligations[0]).toMatchObject({ stage: 'accepted', lateByWorkingDays: 1 });
    await recordHistory(env, workflowId, 'agency-obligations-late-on-day-off');
    // The read model (shared by the tests of this file: one cycle, one agency) says so too.
    const row = await database.db.prisma.obligation.findFirstOrThrow({
      where: { cycleId: seeded.cycleId, agency: { code: 'SO-YT' }, milestoneKey: 'annual-plan' },
    });
    expect(row.lateByWorkingDays).toBe(1);
  });

  it('never submitted: the whole ladder, up to leadership, and flagged for the report', async () => {
    const { handle, workflowId } = await start();
    const result = (await handle.result()) as AgencyObligationsStatus;
    await recordHistory(env, workflowId, 'agency-obligations-full-ladder');
    expect(result.obligations[0]).toMatchObject({
      stage: 'escalated',
      escalated: ['overdue', 'escalate-head', 'escalate-leadership'],
      flagged: true,
      submissions: [],
    });
    const steps = await stepsSent(workflowId);
    expect(steps).toEqual([
      'r0:request → ha.tt@soyt.dienbien.example',
      'r0:remind-5 → ha.tt@soyt.dienbien.example',
      'r0:remind-2 → ha.tt@soyt.dienbien.example',
      'r0:remind-0 → ha.tt@soyt.dienbien.example',
      'r0:overdue → ha.tt@soyt.dienbien.example',
      'r0:escalate-head → minh.th@soyt.dienbien.example',
      'r0:escalate-head → ha.tt@soyt.dienbien.example',
      'r0:escalate-leadership → minh.th@soyt.dienbien.example',
      'r0:escalate-leadership → giadinh@sovhttdl.dienbien.example',
      'r0:escalate-leadership → trang.ntt@sovhttdl.dienbien.example',
      'r0:escalate-leadership → lanhdao@ubnd.dienbien.example',
    ]);
    const obligation = await database.db.prisma.obligation.findFirstOrThrow({
      where: { cycleId: seeded.cycleId, milestoneKey: 'annual-plan', agency: { code: 'SO-YT' } },
    });
    expect(obligation.status).toBe('overdue');
  });

  it('search attributes are upserted only when what they show changes', async () => {
    // Two milestones, nobody answers: the annual plan stays the earliest-due open obligation all along,
    // so the 6-month report's stage changes (and the annual plan's second "escalated") change nothing shown.
    const { handle, workflowId } = await start('SO-YT', 'Sở Y tế', taskQueue, {
      milestones: ['annual-plan', 'report-6m'],
      closesOn: '2027-06-30',
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    expect(result.obligations.map((o) => o.escalated.length)).toEqual([3, 3]);
    const history = await handle.fetchHistory();
    const shown = (history.events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!)
      // (patched() upserts TemporalChangeVersion on its own.)
      .filter((fields) => 'PhStage' in fields)
      .map((fields) => {
        const value = (key: string) => defaultPayloadConverter.fromPayload<string>(fields[key]!);
        return `${value('PhMilestone')} ${value('PhStage')}`;
      });
    expect(shown).toEqual([
      'annual-plan scheduled',
      'annual-plan requested',
      'annual-plan reminded',
      'annual-plan overdue',
      'annual-plan escalated',
      // Completed: the worst outcome of its milestones, no longer a live stage (final-stage-on-completion).
      'annual-plan missing',
    ]);
    // The patch is recorded (patched() lists it in TemporalChangeVersion).
    const patches = (history.events ?? [])
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields)
      .flatMap((fields) =>
        fields?.TemporalChangeVersion
          ? defaultPayloadConverter.fromPayload<string[]>(fields.TemporalChangeVersion)
          : [],
      );
    expect(patches).toEqual(
      expect.arrayContaining(['search-attributes-on-change', 'final-stage-on-completion']),
    );
    // (agency-obligations-two-milestones-search-attributes.json is this test before the final stage.)
    await recordHistory(env, workflowId, 'agency-obligations-two-milestones-final-stage');
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(PhMilestone)).toBe('annual-plan');
    expect(typedSearchAttributes.get(PhStage)).toBe('missing');
  });

  it('a submission that arrives while an escalation notice is being sent is kept, and the ladder stops', async () => {
    // A relay that holds the escalation letters ("Đôn đốc…") until the test lets them through.
    let reached!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slowRelay: Mailer = {
      ...mailer,
      async send(email) {
        if (email.subject.startsWith('Đôn đốc')) {
          reached();
          await gate;
        }
        return mailer.send(email);
      },
    };
    const queue = `slow-relay-${randomUUID()}`;
    const slowWorker = await testWorker(env, {
      taskQueue: queue,
      db: database.db,
      mailer: slowRelay,
      bundle,
    });
    await slowWorker.runUntil(async () => {
      const { handle, workflowId } = await start('SO-YT', 'Sở Y tế', queue);
      const passing = advanceTo(handle, '2027-02-24'); // past every rung of the ladder
      await atGate; // Wed 17/02, 08:00: the letter to the head is on its way
      const receipt = await handle.executeUpdate(submitUpdate, {
        args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch (nộp muộn)' }],
      });
      expect(receipt.lateByWorkingDays).toBe(3);
      open();
      await passing;
      expect(await annual(handle)).toMatchObject({
        stage: 'submitted',
        escalated: ['overdue', 'escalate-head'],
      });
      const obligation = await database.db.prisma.obligation.findFirstOrThrow({
        where: { cycleId: seeded.cycleId, milestoneKey: 'annual-plan', agency: { code: 'SO-YT' } },
      });
      expect(obligation.status).toBe('submitted');
      const steps = await stepsSent(workflowId);
      expect(steps.filter((step) => step.includes('escalate-'))).toEqual([
        'r0:escalate-head → minh.th@soyt.dienbien.example',
        'r0:escalate-head → ha.tt@soyt.dienbien.example',
      ]);
      await handle.terminate('test done');
    });
  });

  it('a submission is answered once recorded while the mail queue is stuck; its receipt follows, once', async () => {
    // A relay that holds every email until the test lets them through: the mail queue backs up behind it,
    // as it does behind a cycle's reminders at the relay's rate limit. `delivered` keeps the order sent.
    let holding = false;
    const held: string[] = [];
    const delivered: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const waiters: (() => void)[] = [];
    const stuckRelay: Mailer = {
      ...mailer,
      async send(email) {
        if (holding) {
          held.push(email.messageId);
          for (const wake of waiters.splice(0)) wake();
          await released;
        }
        const sent = await mailer.send(email);
        delivered.push(email.messageId);
        return sent;
      },
    };
    const heldAtLeast = async (n: number) => {
      while (held.length < n) await new Promise<void>((r) => waiters.push(r));
    };
    const queue = `stuck-relay-${randomUUID()}`;
    const stuckWorker = await testWorker(env, {
      taskQueue: queue,
      db: database.db,
      mailer: stuckRelay,
      bundle,
    });
    await stuckWorker.runUntil(async () => {
      const { handle, workflowId } = await start('SO-YT', 'Sở Y tế', queue);
      await advanceTo(handle, '2027-01-20'); // the request of Fri 15/01 went out
      holding = true;
      // A coordinator's reminder is first on the mail queue, held at the relay.
      await handle.executeUpdate(remindNowUpdate, {
        args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
      });
      await heldAtLeast(1);
      const receipt = await handle.executeUpdate(submitUpdate, {
        args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch số 12/KH-SYT' }],
      });
      // The agency has its answer with the submission recorded; its receipt email is not sent yet.
      expect(receipt).toEqual({ receiptNumber: '2027-SO-YT-annual-plan-1', lateByWorkingDays: 0 });
      const row = await database.db.prisma.obligation.findFirstOrThrow({
        where: { cycleId: seeded.cycleId, milestoneKey: 'annual-plan', agency: { code: 'SO-YT' } },
      });
      expect(row.status).toBe('submitted');
      expect(row.submittedAt).not.toBeNull();
      const receipts = () =>
        database.db.prisma.notification.findMany({
          where: { workflowId, step: { endsWith: ':received-1' } },
        });
      expect((await receipts()).filter((n) => n.status === 'sent')).toEqual([]);
      // It went through the queue after the reminder, and waits at the relay in its turn.
      await heldAtLeast(2);
      // The coordinator accepts meanwhile: the acceptance email goes after the receipt.
      const accepting = handle.executeUpdate(acceptUpdate, {
        args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
      });
      holding = false;
      release();
      await accepting;
      const result = (await handle.result()) as AgencyObligationsStatus;
      expect(result.obligations[0]).toMatchObject({ stage: 'accepted', escalated: [] });
      await recordHistory(env, workflowId, 'agency-obligations-submit-answers-on-record');
      // Exactly once; the receipt before the acceptance.
      const sent = await receipts();
      expect(sent.map((n) => n.status)).toEqual(['sent']);
      expect(delivered.filter((id) => id === sent[0]!.messageId)).toHaveLength(1);
      const steps = await database.db.prisma.notification.findMany({ where: { workflowId, status: 'sent' } });
      const idOf = (suffix: string) => steps.find((n) => n.step.includes(suffix))!.messageId!;
      // The receipt reached the relay behind the reminder (released together, they may leave in either
      // order); the acceptance was sent only once the receipt had gone.
      expect(held.indexOf(idOf(':received-1'))).toBeGreaterThan(held.indexOf(idOf(':remind-now-')));
      expect(delivered.indexOf(idOf(':accepted'))).toBeGreaterThan(delivered.indexOf(idOf(':received-1')));
      // Completed: the search attributes say how it ended, not a live stage.
      const { typedSearchAttributes } = await handle.describe();
      expect(typedSearchAttributes.get(PhStage)).toBe('on-time');
    });
  });

  it('an extension granted mid-ladder re-arms the reminders and the ladder for the new date', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-02-16'); // overdue notice sent
    // A date the workflow's working calendar (2026–2028) does not cover is refused, not a failed task.
    await expect(
      handle.executeUpdate(extendUpdate, {
        args: [{ milestone: 'annual-plan', until: '2029-01-10', by: 'coordinator:huong', reason: 'Lùi hạn' }],
      }),
    ).rejects.toMatchObject({
      cause: { message: 'the new due date 2029-01-10 is outside the working calendar (2026, 2027, 2028)' },
    });
    const newDue = await handle.executeUpdate(extendUpdate, {
      args: [
        {
          milestone: 'annual-plan',
          until: '2027-02-27',
          by: 'coordinator:huong',
          reason: 'Chờ ý kiến UBND tỉnh',
        },
      ],
    });
    expect(newDue).toBe('2027-03-01'); // Saturday 27/02 → Monday 01/03
    expect((await annual(handle)).stage).toBe('requested');
    await advanceTo(handle, '2027-03-02'); // after the new due date
    await handle.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch' }],
    });
    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    expect(result.obligations[0]).toMatchObject({ stage: 'accepted', round: 1, lateByWorkingDays: 1 });
    const steps = await stepsSent(workflowId);
    // Round 1 reminders: 5 (22/02), 2 (25/02) and 0 (01/03) working days before the new due date.
    expect(steps.filter((s) => s.startsWith('r1:remind-'))).toEqual([
      'r1:remind-5 → ha.tt@soyt.dienbien.example',
      'r1:remind-2 → ha.tt@soyt.dienbien.example',
      'r1:remind-0 → ha.tt@soyt.dienbien.example',
    ]);
    // The old ladder stopped after the overdue notice; nothing went to the head in either round.
    expect(steps.some((s) => s.includes('escalate-head'))).toBe(false);
  });

  it('an extension request tells each of the program’s coordinators once, each request its own email', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-01-20');
    const ask = (until: string, updateId: string) =>
      handle.executeUpdate(requestExtensionUpdate, {
        args: [
          { milestone: 'annual-plan', until, reason: 'Chờ ý kiến của Bộ Y tế', requestedBy: 'Trần Thanh Hà' },
        ],
        updateId,
      });
    expect(await ask('2027-02-26', 'portal-extension:1')).toBe(
      'extension request recorded; the coordinator decides',
    );
    // The same form sent again (the portal's retry) is the same Update: nothing more is sent.
    await ask('2027-02-26', 'portal-extension:1');
    const coordinators = seeded.program.definition.coordinators.map((c) => c.email);
    const told = async () =>
      (await stepsSent(workflowId)).filter((s) => s.includes('extension-requested')).sort();
    const first = coordinators.map((email) => `r0:extension-requested → ${email}`).sort();
    for (let i = 0; i < 100 && (await told()).length < first.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await told()).toEqual(first);
    // A second request (a later date) is told too, once.
    await ask('2027-03-05', 'portal-extension:2');
    for (let i = 0; i < 100 && (await told()).length < 2 * first.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await told()).toEqual([...first, ...first].sort());
    const keys = await database.db.prisma.notification.findMany({
      where: { workflowId, step: { contains: 'extension-requested' } },
      select: { idempotencyKey: true },
    });
    expect(new Set(keys.map((k) => k.idempotencyKey)).size).toBe(2 * coordinators.length);
    // What a coordinator reads: the agency, the dates, the reason and where to decide, Vietnamese first.
    const [mail] = await new MailpitApi(testMailpitApi()).waitFor(
      (m) => m.Subject.includes('Sở Y tế đề nghị gia hạn') && m.To.some((t) => t.Address === coordinators[0]),
      2,
    );
    const text = (await new MailpitApi(testMailpitApi()).get(mail!.ID)).Text;
    expect(text).toContain('từ ngày 12/02/2027 đến ngày');
    expect(text).toContain('Lý do: Chờ ý kiến của Bộ Y tế');
    expect(text).toContain('/quan-ly/hom-nay');
    expect(text.indexOf('Kính gửi')).toBeLessThan(text.indexOf('----- English -----'));
    await handle.executeUpdate(waiveUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong', reason: 'Không còn nhiệm vụ' }],
    });
    await handle.result();
    await recordHistory(env, workflowId, 'agency-obligations-extension-request-email');
  });

  it('returned for revision with a reason, resubmitted, accepted', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-02-01');
    await handle.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Bản 1' }],
    });
    const due = await handle.executeUpdate(returnUpdate, {
      args: [
        {
          milestone: 'annual-plan',
          by: 'coordinator:huong',
          reason: 'Thiếu chỉ tiêu về phòng, chống bạo lực gia đình',
        },
      ],
    });
    // 5 working days after Mon 01/02: 2, 3, 4 February, then Tết Đinh Mùi (05–11/02 off), 12 and 15 February.
    expect(due).toBe('2027-02-15');
    expect((await annual(handle)).stage).toBe('returned');
    await advanceTo(handle, '2027-02-03');
    const second = await handle.executeUpdate(submitUpdate, {
      args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Bản 2' }],
    });
    expect(second.receiptNumber).toBe('2027-SO-YT-annual-plan-2');
    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    await recordHistory(env, workflowId, 'agency-obligations-returned-accepted');
    expect(result.obligations[0]).toMatchObject({ stage: 'accepted', round: 1 });
    expect(result.obligations[0]!.submissions.map((s) => s.summary)).toEqual(['Bản 1', 'Bản 2']);
    const returned = await database.db.prisma.notification.findFirstOrThrow({
      where: { workflowId, step: { endsWith: ':returned' } },
    });
    expect(returned.recipient).toBe('ha.tt@soyt.dienbien.example');
  });

  it('waived: nothing more is sent', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-01-20');
    await handle.executeUpdate(waiveUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong', reason: 'Đơn vị sáp nhập' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    expect(result.obligations[0]!.stage).toBe('waived');
    expect(await stepsSent(workflowId)).toEqual(['r0:request → ha.tt@soyt.dienbien.example']);
  });

  /**
   * Runs `before` with a worker on a queue of its own, then stops it until a second after `step` (local
   * `date` at 08:00, when a step's timer fires with nobody to handle it: an outage), sends `update` while
   * it is down, and starts another worker: the fired timer and the Update reach the workflow in the same
   * activation. Runs `after` with that worker. (The time-skipping server skips no further while a
   * workflow task waits for a worker, so the outage ends just after the step.)
   */
  async function acrossOutage<T>(
    before: (queue: string) => Promise<{ handle: WorkflowHandle; workflowId: string }>,
    step: IsoDate,
    update: (handle: WorkflowHandle) => Promise<unknown>,
    after: (handle: WorkflowHandle) => Promise<T>,
  ): Promise<{ workflowId: string; value: T }> {
    const queue = `outage-${randomUUID()}`;
    const options = { taskQueue: queue, db: database.db, mailer, bundle };
    // No sticky queue: the task of the fired timer must wait on the task queue for the next worker (the
    // time-skipping server's sticky timeout would never come, as it stops skipping meanwhile).
    const { handle, workflowId, clock } = await (
      await testWorker(env, { ...options, maxCachedWorkflows: 0 })
    ).runUntil(async () => {
      const w = await before(queue);
      return { ...w, clock: (await w.handle.query(statusQuery)).clock };
    });
    const calendarNow = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    await env.sleep((localInstant(step, 8) + 1000 - calendarNow) / clock.scale);
    const sent = update(handle);
    sent.catch(() => undefined); // awaited below, once a worker takes it
    const value = await (
      await testWorker(env, options)
    ).runUntil(async () => {
      await sent;
      return await after(handle);
    });
    return { workflowId, value };
  }

  it('a worker down across the leadership step, then a submission: the step is reached and flags the agency, its notice is not sent', async () => {
    const { workflowId, value: result } = await acrossOutage(
      async (queue) => {
        const w = await start('SO-YT', 'Sở Y tế', queue);
        await advanceTo(w.handle, '2027-02-18'); // the head's step of Wed 17/02 sent
        return w;
      },
      // Down across the leadership step of Fri 19/02 08:00: it fires with no worker to send it.
      '2027-02-19',
      (handle) =>
        handle.executeUpdate(submitUpdate, {
          args: [{ milestone: 'annual-plan', submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch (nộp muộn)' }],
        }),
      async (handle) => {
        expect(await annual(handle)).toMatchObject({ stage: 'submitted', flagged: true });
        const row = await database.db.prisma.obligation.findFirstOrThrow({
          where: { cycleId: seeded.cycleId, milestoneKey: 'annual-plan', agency: { code: 'SO-YT' } },
        });
        // What the consolidated report and the cycle summary name the agency by.
        expect(row.flagged).toBe(true);
        expect(
          summarizeCycle('dien-bien-kh99', YEAR, [{ ...row, agency: 'SO-YT', milestone: 'annual-plan' }]),
        ).toMatchObject({ milestones: [{ milestone: 'annual-plan', flagged: ['SO-YT'] }] });
        await handle.executeUpdate(acceptUpdate, {
          args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
        });
        return (await handle.result()) as AgencyObligationsStatus;
      },
    );
    await recordHistory(env, workflowId, 'agency-obligations-outage-step-reached');
    expect(result.obligations[0]).toMatchObject({
      stage: 'accepted',
      escalated: ['overdue', 'escalate-head', 'escalate-leadership'],
      flagged: true,
      lateByWorkingDays: 5,
    });
    expect(result.obligations[0]!.notes).toContainEqual(
      expect.stringMatching(
        /^escalate-leadership \(due 2027-02-19 08:00\) not sent: the submission received at 2027-02-19 08:00 came first$/,
      ),
    );
    const steps = await stepsSent(workflowId);
    expect(steps.filter((step) => step.includes('escalate-'))).toEqual([
      'r0:escalate-head → minh.th@soyt.dienbien.example',
      'r0:escalate-head → ha.tt@soyt.dienbien.example',
    ]);
    const audits = await database.db.prisma.auditEvent.findMany({
      where: { subject: `${workflowId}:annual-plan`, action: 'obligation.step-not-sent' },
    });
    expect(audits.map((a) => (a.details as { step: string }).step)).toEqual(['escalate-leadership']);
  });

  it('a submission received before the leadership step but handled after it was sent: the step does not count, nor flag', async () => {
    const { handle, workflowId } = await start();
    await advanceTo(handle, '2027-02-19'); // the leadership step of Fri 19/02 08:00 sent
    expect(await annual(handle)).toMatchObject({ flagged: true });
    // The portal took the form in on Thu 18/02 at 12:00 and delivered it a day late.
    const receivedAt = (await env.currentTimeMs()) - 24 * 3600_000;
    const receipt = await handle.executeUpdate(submitUpdate, {
      args: [
        {
          milestone: 'annual-plan',
          submittedBy: 'Trần Thanh Hà',
          summary: 'Kế hoạch (nộp muộn)',
          receivedAt,
        },
      ],
    });
    expect(receipt.lateByWorkingDays).toBe(4);
    const status = await annual(handle);
    expect(status).toMatchObject({
      stage: 'submitted',
      escalated: ['overdue', 'escalate-head'],
      flagged: false,
    });
    expect(status.notes).toContain(
      'escalate-leadership (due 2027-02-19 08:00) was sent, but the submission received at 2027-02-18 12:00 ' +
        'came first: it does not count',
    );
    const row = await database.db.prisma.obligation.findFirstOrThrow({
      where: { cycleId: seeded.cycleId, milestoneKey: 'annual-plan', agency: { code: 'SO-YT' } },
    });
    expect(row.flagged).toBe(false);
    expect(
      summarizeCycle('dien-bien-kh99', YEAR, [{ ...row, agency: 'SO-YT', milestone: 'annual-plan' }]),
    ).toMatchObject({
      milestones: [{ milestone: 'annual-plan', flagged: [] }],
    });
    // The letters went out: they stay in the notification log.
    expect((await stepsSent(workflowId)).filter((step) => step.includes('escalate-leadership'))).toHaveLength(
      4,
    );
    const audits = await database.db.prisma.auditEvent.findMany({
      where: { subject: `${workflowId}:annual-plan`, action: 'obligation.step-not-reached' },
    });
    expect(audits.map((a) => (a.details as { step: string }).step)).toEqual(['escalate-leadership']);
    await handle.executeUpdate(acceptUpdate, {
      args: [{ milestone: 'annual-plan', by: 'coordinator:huong' }],
    });
    const result = (await handle.result()) as AgencyObligationsStatus;
    await recordHistory(env, workflowId, 'agency-obligations-step-sent-before-earlier-receipt');
    expect(result.obligations[0]).toMatchObject({ stage: 'accepted', flagged: false, lateByWorkingDays: 4 });
  });

  it('a worker down across a reminder, then a waiver: the reminder is not sent, and the obligation says so', async () => {
    const { workflowId, value: result } = await acrossOutage(
      async (queue) => {
        const w = await start('SO-YT', 'Sở Y tế', queue);
        await advanceTo(w.handle, '2027-02-01'); // the reminder of Fri 29/01 sent
        return w;
      },
      // Down across the reminder of Wed 03/02 08:00: it fires with no worker to send it.
      '2027-02-03',
      (handle) =>
        handle.executeUpdate(waiveUpdate, {
          args: [{ milestone: 'annual-plan', by: 'coordinator:huong', reason: 'Đơn vị sáp nhập' }],
        }),
      async (handle) => (await handle.result()) as AgencyObligationsStatus,
    );
    await recordHistory(env, workflowId, 'agency-obligations-outage-waiver');
    expect(result.obligations[0]).toMatchObject({ stage: 'waived', escalated: [], flagged: false });
    expect(result.obligations[0]!.notes).toContainEqual(
      expect.stringMatching(
        /^remind-2 \(due 2027-02-03 08:00\) not sent: the waiver at 2027-02-03 08:00 came first$/,
      ),
    );
    expect(await stepsSent(workflowId)).toEqual([
      'r0:request → ha.tt@soyt.dienbien.example',
      'r0:remind-5 → ha.tt@soyt.dienbien.example',
    ]);
    const audits = await database.db.prisma.auditEvent.findMany({
      where: { subject: `${workflowId}:annual-plan`, action: 'obligation.step-not-sent' },
    });
    expect(audits.map((a) => (a.details as { step: string }).step)).toEqual(['remind-2']);
  });

  it('cancelled with the cycle: open obligations are recorded as cancelled', async () => {
    const { handle } = await start('SO-TP', 'Sở Tư pháp');
    await advanceTo(handle, '2027-01-20');
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const obligation = await database.db.prisma.obligation.findFirstOrThrow({
      where: { cycleId: seeded.cycleId, milestoneKey: 'annual-plan', agency: { code: 'SO-TP' } },
    });
    expect(obligation.status).toBe('cancelled');
  });

  it('a focal point whose address is refused for good: the request goes to the head instead, and it is reported', async () => {
    // An SMTP server that refuses Sở Y tế's focal point (550) and accepts its head and the lead's staff.
    const picky = await startMailpit({
      allowedRecipients: '^(minh\\.th@soyt|[a-z.]+@sovhttdl|[a-z.]+@ubnd)\\.dienbien\\.example$',
    });
    const pickyMailer = createMailer({ url: picky.smtpUrl, from: TEST_FROM });
    const queue = `picky-${randomUUID()}`;
    const pickyWorker = await testWorker(env, {
      taskQueue: queue,
      db: database.db,
      mailer: pickyMailer,
      bundle,
    });
    try {
      await pickyWorker.runUntil(async () => {
        const { handle, workflowId } = await start('SO-YT', 'Sở Y tế', queue);
        await advanceTo(handle, '2027-01-20');
        const rows = await database.db.prisma.notification.findMany({
          where: { workflowId },
          orderBy: { id: 'asc' },
        });
        expect(rows.map((r) => [r.step.split(':').slice(1).join(':'), r.recipient, r.status])).toEqual([
          ['r0:request', 'ha.tt@soyt.dienbien.example', 'failed'],
          ['r0:request-to-head', 'minh.th@soyt.dienbien.example', 'sent'],
        ]);
        // Refused for good: one attempt, not retried.
        expect(rows[0]!.attempts).toBe(1);
        const notes = (await annual(handle)).notes;
        expect(notes[0]).toMatch(/^undeliverable: focal_point ha\.tt@soyt\.dienbien\.example: .*550/);
        expect(notes[1]).toBe('request: nobody reachable; sent to head instead');
        await handle.terminate('test done');
      });
    } finally {
      pickyMailer.close();
      await picky.stop();
    }
  });

  it('the SMTP server down when the request is due: retried, and sent exactly once when it is back', async () => {
    const port = await freePort(); // nothing listens there yet
    const downMailer = createMailer({ url: `smtp://127.0.0.1:${port}`, from: TEST_FROM });
    const queue = `smtp-down-${randomUUID()}`;
    const downWorker = await testWorker(env, {
      taskQueue: queue,
      db: database.db,
      mailer: downMailer,
      bundle,
    });
    let server: TestMailServer | undefined;
    try {
      await downWorker.runUntil(async () => {
        const { handle, workflowId } = await start('SO-YT', 'Sở Y tế', queue);
        const request = () =>
          database.db.prisma.notification.findFirst({
            where: { workflowId, step: { endsWith: ':request' } },
          });
        // Past the request's hour (08:00 on 15/01): its attempts fail on the refused connection.
        await advanceTo(handle, '2027-01-15', 9);
        for (let i = 0; !(await request())?.error; i++) {
          if (i > 300) throw new Error('no failed attempt was recorded');
          await new Promise((r) => setTimeout(r, 100));
        }
        const failed = (await request())!;
        expect(failed).toMatchObject({ status: 'pending', recipient: 'ha.tt@soyt.dienbien.example' });
        expect(failed.error).toMatch(/ECONNREFUSED/);

        server = await startMailpit({ smtpPort: port });
        await advanceTo(handle, '2027-01-20');
        const sent = (await request())!;
        expect(sent).toMatchObject({ status: 'sent', error: null });
        expect(sent.attempts).toBeGreaterThanOrEqual(2);
        const arrived = await new MailpitApi(server.apiUrl).waitFor((m) =>
          m.To.some((t) => t.Address === 'ha.tt@soyt.dienbien.example'),
        );
        expect(arrived).toHaveLength(1);
        expect(`<${arrived[0]!.MessageID}>`).toBe(sent.messageId);
        expect((await annual(handle)).notes).toEqual([]);
        await handle.terminate('test done');
      });
    } finally {
      downMailer.close();
      await server?.stop();
    }
  });

  it('rejects interactions that do not fit, saying why, and changes nothing', async () => {
    const { handle } = await start();
    const reject = async <Ret, Arg>(update: UpdateDefinition<Ret, [Arg]>, arg: Arg) => {
      const error = await handle.executeUpdate(update, { args: [arg] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      return ((error as WorkflowUpdateFailedError).cause as Error).message;
    };
    expect(await reject(submitUpdate, { milestone: 'annual-plan', submittedBy: 'x', summary: 'y' })).toMatch(
      /not open yet: the request goes out on 2027-01-15/,
    );
    await advanceTo(handle, '2027-01-18');
    expect(await reject(submitUpdate, { milestone: 'report-9m', submittedBy: 'x', summary: 'y' })).toMatch(
      /owes no milestone "report-9m"/,
    );
    expect(await reject(acceptUpdate, { milestone: 'annual-plan', by: 'c' })).toMatch(
      /no submission waiting for review/,
    );
    expect(
      await reject(extendUpdate, { milestone: 'annual-plan', until: '2027-02-01', by: 'c', reason: 'r' }),
    ).toMatch(/not after the current one \(2027-02-12\)/);
    // What the pages translate: the code and its values, through the client as the portal gets them.
    const late = await handle
      .executeUpdate(extendUpdate, {
        args: [{ milestone: 'annual-plan', until: '2027-02-01', by: 'c', reason: 'r' }],
      })
      .catch((e: unknown) => e);
    expect(refusalOf(late)).toEqual({
      code: 'date-not-after-current',
      values: { date: '2027-02-01', due: '2027-02-12' },
      message: 'the new due date 2027-02-01 is not after the current one (2027-02-12)',
    });
    expect(await reject(submitUpdate, { milestone: 'annual-plan', submittedBy: ' ', summary: 'y' })).toMatch(
      /submittedBy is required/,
    );
    const status = await annual(handle);
    expect(status).toMatchObject({ stage: 'requested', submissions: [], due: '2027-02-12', round: 0 });
    await handle.terminate('test done');
  });
});
