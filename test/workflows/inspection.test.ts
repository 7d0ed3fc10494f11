import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { freshDatabase, testMailpitApi, testSmtpUrl, type TestDatabase } from '../support/databases';
import { MailpitApi } from '../support/mailpit';
import { seedCycle, type SeededCycle } from '../support/cycle-fixture';
import { runningWorker, TEST_FROM } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { localInstant } from '../../src/cycle/clock';
import { inspectionLadder } from '../../src/inspections/ladder';
import { buildCalendarData } from '../../src/calendar/load';
import { yearsTouchedBy } from '../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../src/cycle/compute-plan';
import { openRecommendationsByAgency } from '../../src/inspections/carry-over';
import {
  inspectionWorkflowId,
  type InspectionInput,
  type InspectionStatus,
} from '../../src/inspections/types';
import { PhAgency, PhDueAt, PhProgram, PhStage, PhYear } from '../../src/workflows/search-attributes';
import type { IsoDate } from '../../src/calendar/dates';
import {
  cancelInspectionUpdate,
  closeRecommendationUpdate,
  inspectionStatusQuery,
  recordConclusionUpdate,
  reopenRecommendationUpdate,
  reportRecommendationUpdate,
} from '../../src/workflows/messages/inspection';
import { inspection as inspectionWorkflow } from '../../src/workflows/inspection';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
// The visit is on Thu 09/09/2027. Five working days before it: Wed 08, Tue 07, Mon 06, then back over the
// weekend of 04–05/09 and the National Day holiday of 02–03/09 to Wed 01/09, and Tue 31/08: the notice day.
const VISIT: IsoDate = '2027-09-09';
const NOTICE_DAY: IsoDate = '2027-08-31';

describe('inspection (time-skipping server, real activities)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  const mailpit = new MailpitApi(testMailpitApi());
  const taskQueue = `inspection-${randomUUID()}`;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    database = await freshDatabase('sqlite', 'inspection');
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

  /** Starts the inspection of an agency, the workflow's clock starting at `from` 07:00. */
  async function start(agency: { code: string; name: string }, from: IsoDate) {
    const milestone = seeded.plan.milestones.find((m) => m.key === 'inspection')!;
    const settings = seeded.program.definition.milestones.find((m) => m.key === 'inspection')!.inspection!;
    const input: InspectionInput = {
      cycleId: seeded.cycleId,
      program: PROGRAM,
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { ...agency, group: 'department' },
      kind: 'kiem-tra',
      visitOn: VISIT,
      noticeWorkingDays: settings.noticeWorkingDays,
      remedyWorkingDays: settings.remedyWorkingDays,
      ...inspectionLadder(milestone),
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      clock: { originMs: localInstant(from, 7), scale: 1 },
    };
    const workflowId = inspectionWorkflowId(PROGRAM, YEAR, agency.code);
    const handle = await env.client.workflow.start(inspectionWorkflow, {
      taskQueue,
      workflowId,
      args: [input],
    });
    return { handle: handle as WorkflowHandle, workflowId };
  }

  async function status(handle: WorkflowHandle): Promise<InspectionStatus> {
    return await handle.query(inspectionStatusQuery);
  }

  /** Lets time run (skipped) until a local date and hour of the calendar. */
  async function advanceTo(handle: WorkflowHandle, date: IsoDate, hour = 12): Promise<void> {
    const { clock } = await status(handle);
    const now = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
    const delta = localInstant(date, hour) - now;
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta / clock.scale);
  }

  async function stepsSent(workflowId: string): Promise<string[]> {
    const rows = await database.db.prisma.notification.findMany({
      where: { workflowId, status: 'sent' },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => `${r.step} → ${r.recipient}`);
  }

  async function searchAttributes(handle: WorkflowHandle) {
    const { typedSearchAttributes: sa } = await handle.describe();
    return {
      program: sa.get(PhProgram),
      year: sa.get(PhYear),
      agency: sa.get(PhAgency),
      stage: sa.get(PhStage),
      dueAt: sa.get(PhDueAt)?.toISOString(),
    };
  }

  async function refusal(promise: Promise<unknown>): Promise<string> {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err as WorkflowUpdateFailedError).cause as Error).message;
  }

  const FOCAL = 'ha.tt@soyt.dienbien.example';
  const HEAD = 'minh.th@soyt.dienbien.example';
  const EVIDENCE = {
    fileName: 'Báo cáo khắc phục.pdf',
    contentType: 'application/pdf',
    sizeBytes: 2048,
    sha256: 'ab'.repeat(32),
    storagePath: `ab/${'ab'.repeat(32)}.pdf`,
  };

  it('notice 5 working days before the visit; two recommendations: one closed on time, one followed up to the head', async () => {
    const { handle, workflowId } = await start({ code: 'SO-YT', name: 'Sở Y tế' }, '2027-08-02');

    // The day before the notice day: nothing sent yet.
    await advanceTo(handle, '2027-08-30');
    expect((await status(handle)).stage).toBe('planned');
    expect((await status(handle)).noticeOn).toBe(NOTICE_DAY);
    expect(await stepsSent(workflowId)).toEqual([]);
    expect(await searchAttributes(handle)).toEqual({
      program: PROGRAM,
      year: YEAR,
      agency: 'SO-YT',
      stage: 'inspection-planned',
      dueAt: undefined,
    });

    // The notice day, after the send hour: to the focal point and the head.
    await advanceTo(handle, NOTICE_DAY, 9);
    expect((await status(handle)).stage).toBe('noticed');

    expect(await stepsSent(workflowId)).toEqual([`notice → ${FOCAL}`, `notice → ${HEAD}`]);
    const [notice] = await mailpit.waitFor(
      (m) => m.To.some((t) => t.Address === HEAD) && m.Subject.includes('Thông báo kiểm tra'),
    );
    expect(notice!.Subject).toBe(
      'Thông báo kiểm tra việc thực hiện Kế hoạch số 99/KH-UBND năm 2027 – ngày 09/09/2027',
    );
    expect((await mailpit.get(notice!.ID)).Text).toContain(
      "gives notice of a check of your agency's implementation of the Plan in 2027, on 9 September 2027",
    );
    expect((await searchAttributes(handle)).stage).toBe('inspection-noticed');

    // No conclusion before the visit.
    expect(
      await refusal(
        handle.executeUpdate(recordConclusionUpdate, {
          args: [{ conclusion: 'Sớm quá', recommendations: [], by: 'inspector:lan' }],
        }),
      ),
    ).toMatch(/visit is on 2027-09-09/);

    // The visit day: the conclusion with two recommendations (the second gets the default 20 working days).
    await advanceTo(handle, VISIT, 15);
    expect((await status(handle)).stage).toBe('visited');
    const recorded = await handle.executeUpdate(recordConclusionUpdate, {
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
    expect(recorded.map((r) => [r.number, r.dueOn, r.status])).toEqual([
      [1, '2027-09-24', 'open'],
      [2, '2027-10-07', 'open'],
    ]);
    expect(await searchAttributes(handle)).toMatchObject({
      stage: 'inspection-open',
      dueAt: new Date(localInstant('2027-09-24', 23, 59)).toISOString(),
    });

    // Recommendation 1: reminded 5 working days before its due date, reported with evidence, closed.
    await advanceTo(handle, '2027-09-20');
    await handle.executeUpdate(reportRecommendationUpdate, {
      args: [
        { number: 1, reportedBy: 'Trần Thanh Hà', summary: 'Đã gửi báo cáo quý III.', evidence: [EVIDENCE] },
      ],
    });
    expect(
      await refusal(
        handle.executeUpdate(reportRecommendationUpdate, {
          args: [{ number: 1, reportedBy: 'Trần Thanh Hà', summary: 'Lần nữa' }],
        }),
      ),
    ).toBe('recommendation 1 is already reported');
    await handle.executeUpdate(closeRecommendationUpdate, { args: [{ number: 1, by: 'inspector:lan' }] });
    // The next due recommendation is now the second.
    expect((await searchAttributes(handle)).dueAt).toBe(
      new Date(localInstant('2027-10-07', 23, 59)).toISOString(),
    );

    // Recommendation 2, never reported: reminders, the overdue notice, then the head (Tue 12/10).
    await advanceTo(handle, '2027-10-12', 12);
    const rec2 = (await status(handle)).recommendations[1]!;
    expect(rec2).toMatchObject({ status: 'open', escalated: ['overdue', 'escalate-head'], flagged: false });
    const [urging] = await mailpit.waitFor(
      (m) => m.To.some((t) => t.Address === HEAD) && m.Subject.startsWith('Đôn đốc thực hiện kiến nghị số 2'),
    );
    const urgingText = (await mailpit.get(urging!.ID)).Text;
    expect(urgingText).toContain('Kiện toàn tổ công tác về gia đình.');
    expect(urgingText).toContain('quá hạn (07/10/2027) 3 ngày làm việc');

    // Reported, found wanting and reopened, reported again and closed: the inspection ends.
    await handle.executeUpdate(reportRecommendationUpdate, {
      args: [{ number: 2, reportedBy: 'Trần Thanh Hà', summary: 'Đã có quyết định kiện toàn.' }],
    });
    const newDue = await handle.executeUpdate(reopenRecommendationUpdate, {
      args: [
        { number: 2, by: 'inspector:lan', reason: 'Chưa có danh sách thành viên.', dueOn: '2027-10-20' },
      ],
    });
    expect(newDue).toBe('2027-10-20');
    await handle.executeUpdate(reportRecommendationUpdate, {
      args: [{ number: 2, reportedBy: 'Trần Thanh Hà', summary: 'Gửi kèm danh sách thành viên.' }],
    });
    await handle.executeUpdate(closeRecommendationUpdate, {
      args: [{ number: 2, by: 'inspector:lan', note: 'Đủ hồ sơ.' }],
    });
    const result = (await handle.result()) as InspectionStatus;
    await recordHistory(env, workflowId, 'inspection-follow-up');
    expect(result.stage).toBe('closed');
    expect(result.recommendations.map((r) => [r.number, r.status, r.round, r.escalated])).toEqual([
      [1, 'closed', 0, []],
      [2, 'closed', 1, ['overdue', 'escalate-head']],
    ]);
    expect((await searchAttributes(handle)).stage).toBe('inspection-closed');

    expect(await stepsSent(workflowId)).toEqual([
      `notice → ${FOCAL}`,
      `notice → ${HEAD}`,
      `rec-1/r0/remind-5 → ${FOCAL}`,
      `rec-1/closed → ${FOCAL}`,
      `rec-2/r0/remind-5 → ${FOCAL}`,
      `rec-2/r0/remind-2 → ${FOCAL}`,
      `rec-2/r0/remind-0 → ${FOCAL}`,
      `rec-2/r0/overdue → ${FOCAL}`,
      `rec-2/r0/escalate-head → ${HEAD}`,
      `rec-2/r0/escalate-head → ${FOCAL}`,
      `rec-2/closed → ${FOCAL}`,
    ]);

    // The read model.
    const row = await database.db.prisma.inspection.findUniqueOrThrow({
      where: { workflowId },
      include: { recommendations: { orderBy: { number: 'asc' } }, agency: true },
    });
    expect(row).toMatchObject({
      kind: 'kiem_tra',
      status: 'closed',
      conclusion: 'Đơn vị đã triển khai Kế hoạch; còn thiếu báo cáo định kỳ quý III.',
      cycleId: seeded.cycleId,
    });
    expect(row.agency.code).toBe('SO-YT');
    expect(row.visitOn.toISOString()).toBe('2027-09-09T00:00:00.000Z');
    expect(
      row.recommendations.map((r) => [r.number, r.status, r.dueOn.toISOString().slice(0, 10), r.closedBy]),
    ).toEqual([
      [1, 'closed', '2027-09-24', 'inspector:lan'],
      [2, 'closed', '2027-10-20', 'inspector:lan'],
    ]);
    expect(row.recommendations[0]!.evidence).toEqual([EVIDENCE]);
    expect(row.recommendations[1]!.evidenceSummary).toBe('Gửi kèm danh sách thành viên.');
  });

  it('refuses bad input; open recommendations carry over to the next year until cancelled', async () => {
    const { handle, workflowId } = await start({ code: 'CA-TINH', name: 'Công an tỉnh' }, '2027-09-01');
    // Started after the notice day: the notice goes out at once.
    await advanceTo(handle, '2027-09-01', 9);
    expect((await status(handle)).stage).toBe('noticed');
    expect(
      await refusal(
        handle.executeUpdate(reportRecommendationUpdate, {
          args: [{ number: 1, reportedBy: 'X', summary: 'Y' }],
        }),
      ),
    ).toBe('no recommendation 1: no conclusion has been recorded yet');

    await advanceTo(handle, VISIT, 16);
    const conclude = (recommendations: { text: string; dueOn?: string }[]) =>
      handle.executeUpdate(recordConclusionUpdate, {
        args: [{ conclusion: 'Còn tồn tại.', recommendations, by: 'inspector:lan' }],
      });
    expect(await refusal(conclude([{ text: 'A', dueOn: '2027-09-11' }]))).toBe(
      'recommendation 1: due date: 2027-09-11 is not a working day',
    );
    expect(await refusal(conclude([{ text: 'A', dueOn: '2027-09-08' }]))).toBe(
      'recommendation 1: due date: 2027-09-08 is not after today (2027-09-09)',
    );
    expect(await refusal(conclude([{ text: 'A', dueOn: '30/09/2027' }]))).toMatch(
      /not a date written YYYY-MM-DD/,
    );
    expect(await refusal(conclude([{ text: '  ' }]))).toBe('recommendation 1: text is required');
    await conclude([{ text: 'Xây dựng kế hoạch tuyên truyền.', dueOn: '2027-09-30' }]);
    expect(await refusal(conclude([{ text: 'B' }]))).toBe(
      'the conclusion was already recorded on 2027-09-09',
    );
    expect(
      await refusal(
        handle.executeUpdate(closeRecommendationUpdate, { args: [{ number: 3, by: 'inspector:lan' }] }),
      ),
    ).toBe('no recommendation 3: the conclusion has 1 (1 to 1)');
    expect(
      await refusal(
        handle.executeUpdate(reopenRecommendationUpdate, {
          args: [{ number: 1, by: 'inspector:lan', reason: 'x' }],
        }),
      ),
    ).toBe('recommendation 1 is open: nothing to reopen');

    // Open at the end of 2027: next year's risk selection sees it (and SO-YT's, all closed, not at all).
    const carried = await openRecommendationsByAgency(database.db, PROGRAM, 2028);
    expect(carried).toEqual([
      {
        agencyCode: 'CA-TINH',
        agencyName: 'Công an tỉnh',
        recommendations: [
          {
            year: 2027,
            inspectionWorkflowId: workflowId,
            number: 1,
            text: 'Xây dựng kế hoạch tuyên truyền.',
            dueOn: '2027-09-30',
            status: 'open',
          },
        ],
      },
    ]);
    expect(await openRecommendationsByAgency(database.db, PROGRAM, 2027)).toEqual([]);
    expect(await openRecommendationsByAgency(database.db, 'other-program', 2028)).toEqual([]);

    // Cancelled: the workflow ends, the row says so, and nothing carries over.
    await handle.executeUpdate(cancelInspectionUpdate, {
      args: [{ by: 'coordinator:huong', reason: 'Đơn vị sáp nhập.' }],
    });
    const result = (await handle.result()) as InspectionStatus;
    await recordHistory(env, workflowId, 'inspection-cancelled');
    expect(result.stage).toBe('cancelled');
    expect((await searchAttributes(handle)).stage).toBe('inspection-cancelled');
    expect((await database.db.prisma.inspection.findUniqueOrThrow({ where: { workflowId } })).status).toBe(
      'cancelled',
    );
    expect(await openRecommendationsByAgency(database.db, PROGRAM, 2028)).toEqual([]);
  });
});
