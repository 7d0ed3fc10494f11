import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { freshDatabase, testMailpitApi, testSmtpUrl, type TestDatabase } from '../support/databases';
import { runningWorker, TEST_FROM, TEST_LINKS } from '../support/worker';
import { MailpitApi } from '../support/mailpit';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { importDirectoryFile } from '../../src/directory/import-file';
import { computePlan } from '../../src/cycle/compute-plan';
import { findProgram } from '../../src/programs/find';
import { localInstant } from '../../src/cycle/clock';
import type { IsoDate } from '../../src/calendar/dates';
import { agencyWorkflowId } from '../../src/workflows/obligation-types';
import type { AnnualCycleInput } from '../../src/workflows/cycle-types';
import type { ApproveInspectionPlanInput, InspectionCandidates, PlanLine } from '../../src/inspections/plan';
import { inspectionWorkflowId } from '../../src/inspections/types';
import { PhAgency, PhProgram, PhYear } from '../../src/workflows/search-attributes';
import { submitUpdate } from '../../src/workflows/messages/agency-obligations';
import { inspectionPlanOf } from '../support/inspection-plan';
import { approveInspectionPlanUpdate } from '../../src/workflows/messages/annual-cycle';
import { inspectionStatusQuery } from '../../src/workflows/messages/inspection';
import { annualCycle } from '../../src/workflows/annual-cycle';

const PROGRAM = 'dien-bien-kh99';
const YEAR = 2027;
const HEADER =
  'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email,deputy_name,deputy_email';

// 16 agencies the inspections address (8 departments, 8 communes) besides the lead, Sở VHTTDL.
const DEPTS = ['SO-01', 'SO-02', 'SO-03', 'SO-04', 'SO-05', 'SO-06', 'SO-07', 'SO-08'];
const COMMUNES = [
  'UBND-X-01',
  'UBND-X-02',
  'UBND-X-03',
  'UBND-X-04',
  'UBND-X-05',
  'UBND-X-06',
  'UBND-X-07',
  'UBND-X-08',
];
// Nobody answers for these: the annual plan and the six-month report are missing (risk 3 + 3).
const SILENT = ['SO-01', 'SO-02', 'SO-03', 'SO-04', 'UBND-X-01', 'UBND-X-02', 'UBND-X-03'];
// These answer on time; SO-05 still has a 2026 recommendation open (risk 2).
const ON_TIME = ['SO-05', 'SO-06', 'SO-07', 'SO-08', 'UBND-X-05', 'UBND-X-06', 'UBND-X-07', 'UBND-X-08'];
// Sends its annual plan late (risk 1): ninth by risk, so left out by the program's riskLimit of 8.
const LATE = 'UBND-X-04';

function directoryCsv(): string {
  const row = (code: string, name: string, group: string) => {
    const mail = code.toLowerCase();
    return `${code},${name},${name},${group},,Đầu mối ${code},dm@${mail}.example,Thủ trưởng ${code},tt@${mail}.example,,`;
  };
  return [
    HEADER,
    row('SO-VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'.replace(/,/g, ''), 'department'),
    ...DEPTS.map((c) => row(c, `Sở số ${c.slice(3)}`, 'department')),
    ...COMMUNES.map((c) => row(c, `Ủy ban nhân dân xã số ${c.slice(7)}`, 'commune_committee')),
  ].join('\n');
}

/**
 * The cycle's inspection phase on the time-skipping server with the real activities: the proposal on the
 * inspection milestone's request day (risk from the year's obligations and from recommendations carried
 * over, a random sample drawn in the workflow), refused and accepted approvals, the inspections started and
 * outliving the cycle.
 */
describe('annualCycle inspection plan (time-skipping server, real activities)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let dir: string;
  const taskQueue = `inspection-plan-${randomUUID()}`;
  const plan = computePlan(findProgram(PROGRAM), YEAR);
  const origin = localInstant(plan.startsOn, 7);
  let startedAt = 0;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    database = await freshDatabase('sqlite', 'inspection_plan');
    dir = mkdtempSync(join(tmpdir(), 'phoihop-plan-'));
    const file = join(dir, 'directory.csv');
    writeFileSync(file, directoryCsv());
    await importDirectoryFile(database.db, file, '2025-07-01', 'test');
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer, bundle });
  });

  afterAll(async () => {
    await worker?.stop();
    mailer?.close();
    await database?.drop();
    await env?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Lets (skipped) time run until a local date and hour of the cycle's calendar. */
  async function advanceTo(date: IsoDate, hour = 12): Promise<void> {
    const now = origin + ((await env.currentTimeMs()) - startedAt);
    const delta = localInstant(date, hour) - now;
    if (delta < 0) throw new Error(`already past ${date} ${hour}:00`);
    await env.sleep(delta);
  }

  async function submit(code: string, milestone: string): Promise<number> {
    const handle = env.client.workflow.getHandle(agencyWorkflowId(PROGRAM, YEAR, code));
    const receipt = await handle.executeUpdate(submitUpdate, {
      args: [
        {
          milestone,
          submittedBy: `Đầu mối ${code}`,
          summary: `Báo cáo ${milestone}`,
          ...(milestone === 'report-6m' ? { figures: { 'events-held': 3 } } : {}),
        },
      ],
    });
    return receipt.lateByWorkingDays;
  }

  async function refusal(handle: WorkflowHandle, input: ApproveInspectionPlanInput): Promise<string> {
    try {
      await handle.executeUpdate(approveInspectionPlanUpdate, { args: [input] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return (err.cause as Error).message;
      throw err;
    }
    throw new Error('the approval was taken');
  }

  /** Open recommendations of 2026 for SO-05 (carried over); a closed one (SO-06) and a cancelled inspection's (SO-07) are not. */
  async function seedLastYear(): Promise<void> {
    const current = await database.db.prisma.cycle.findFirstOrThrow({ where: { year: YEAR } });
    const last = await database.db.prisma.cycle.create({
      data: {
        programId: current.programId,
        programVersionId: current.programVersionId,
        year: YEAR - 1,
        status: 'completed',
        startedAt: new Date('2026-01-15T00:00:00Z'),
      },
    });
    const visit = async (code: string, status: 'concluded' | 'cancelled', rec: 'open' | 'closed') => {
      const agency = await database.db.prisma.agency.findUniqueOrThrow({ where: { code } });
      await database.db.prisma.inspection.create({
        data: {
          cycleId: last.id,
          agencyId: agency.id,
          kind: 'kiem_tra',
          visitOn: new Date('2026-10-05T00:00:00Z'),
          status,
          workflowId: inspectionWorkflowId(PROGRAM, YEAR - 1, code),
          recommendations: {
            create: [
              {
                number: 1,
                text: 'Kiện toàn ban chỉ đạo',
                dueOn: new Date('2026-11-03T00:00:00Z'),
                status: rec,
              },
            ],
          },
        },
      });
    };
    await visit('SO-05', 'concluded', 'open');
    await visit('SO-06', 'concluded', 'closed');
    await visit('SO-07', 'cancelled', 'open');
  }

  it('proposes by risk and at random, takes an edited approval once, and starts inspections that outlive the cycle', async () => {
    const input: AnnualCycleInput = {
      program: PROGRAM,
      year: YEAR,
      clock: { originMs: origin, scale: 1 },
      batchSize: 9,
    };
    const cycleId = `cycle:${PROGRAM}:${YEAR}`;
    startedAt = await env.currentTimeMs();
    const handle = await env.client.workflow.start(annualCycle, {
      taskQueue,
      workflowId: cycleId,
      args: [input],
    });

    // January: the annual plan is asked of everyone; the on-time agencies send it.
    await advanceTo('2027-01-18');
    for (const code of ON_TIME) expect(await submit(code, 'annual-plan')).toBe(0);
    await seedLastYear();
    const waiting = await inspectionPlanOf(handle);
    expect(waiting).toMatchObject({ stage: 'waiting', proposeOn: '2027-09-09', visitsFrom: '2027-09-30' });
    expect(await refusal(handle, { visits: [], by: 'coordinator:huong' })).toBe(
      'the plan is proposed on 2027-09-09: nothing to approve yet',
    );
    // Due Fri 12/02: UBND-X-04 sends it on Tue 16/02, two working days late.
    await advanceTo('2027-02-16');
    expect(await submit(LATE, 'annual-plan')).toBe(2);
    await advanceTo('2027-05-27');
    for (const code of [...ON_TIME, LATE]) expect(await submit(code, 'report-6m')).toBe(0);

    // Thu 09/09 08:00, the inspection milestone's request day: the proposal.
    await advanceTo('2027-09-09');
    const proposal = await inspectionPlanOf(handle);
    expect(proposal).toMatchObject({ stage: 'proposed', proposedOn: '2027-09-09', eligibleCount: 16 });
    expect(proposal.settings).toEqual({
      noticeWorkingDays: 5,
      remedyWorkingDays: 20,
      riskLimit: 8,
      sampleSize: 4,
      visitsPerDay: 2,
    });
    // Approved today, the notice (5 working days before) can go out from Fri 10/09: a visit from Fri 17/09.
    expect(proposal.earliestVisitOn).toBe('2027-09-17');
    const byRisk = proposal.proposed.filter((v) => v.source === 'risk');
    expect(byRisk.map((v) => [v.agency.code, v.score])).toEqual([
      ...SILENT.map((code) => [code, 6]),
      ['SO-05', 2],
    ]);
    expect(byRisk[0]!.reasons).toEqual([
      { kind: 'missing', milestone: 'annual-plan', dueOn: '2027-02-12' },
      { kind: 'missing', milestone: 'report-6m', dueOn: '2027-06-16' },
    ]);
    expect(byRisk.at(-1)!.reasons).toEqual([
      { kind: 'open-recommendation', year: 2026, number: 1, dueOn: '2026-11-03' },
    ]);
    // Only those eight went through the cycle's history (UBND-X-04, ninth, did not), and every eligible code.
    const events = (await handle.fetchHistory()).events ?? [];
    const asked = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'inspectionCandidates',
    )!;
    const answered = events.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(asked.eventId),
    )!;
    const recorded = defaultPayloadConverter.fromPayload<InspectionCandidates>(
      answered.activityTaskCompletedEventAttributes!.result!.payloads![0]!,
    );
    expect(recorded.risky.map((c) => c.agency.code)).toEqual([...SILENT, 'SO-05']);
    expect([...recorded.eligible].sort()).toEqual([...DEPTS, ...COMMUNES].sort());
    // The sample: four of the other eight, drawn in the workflow.
    const sample = proposal.proposed.filter((v) => v.source === 'sample').map((v) => v.agency.code);
    const pool = [...ON_TIME.filter((c) => c !== 'SO-05'), LATE];
    expect(sample).toHaveLength(4);
    expect(new Set(sample).size).toBe(4);
    for (const code of sample) expect(pool).toContain(code);
    expect([...sample].sort()).toEqual(sample);
    // Two visits a working day from Fri 01/10, the first working day after the due date (Thu 30/09).
    expect(proposal.proposed.map((v) => v.visitOn)).toEqual([
      '2027-10-01',
      '2027-10-01',
      '2027-10-04',
      '2027-10-04',
      '2027-10-05',
      '2027-10-05',
      '2027-10-06',
      '2027-10-06',
      '2027-10-07',
      '2027-10-07',
      '2027-10-08',
      '2027-10-08',
    ]);
    const proposedAudit = await database.db.prisma.auditEvent.findMany({
      where: { subject: cycleId, action: 'inspection-plan.propose' },
    });
    expect(proposedAudit).toHaveLength(1);
    // The coordinators were told, once each, with the link to the plan's page.
    const told = await database.db.prisma.notification.findMany({
      where: { workflowId: cycleId, step: 'inspection-plan:proposed', status: 'sent' },
      orderBy: { recipient: 'asc' },
    });
    expect(told.map((n) => n.recipient)).toEqual(
      findProgram(PROGRAM)
        .definition.coordinators.map((c) => c.email)
        .sort(),
    );
    const mailpit = new MailpitApi(testMailpitApi());
    const [summary] = await mailpit.search(`message-id:${told[0]!.messageId!.replace(/[<>]/g, '')}`);
    const email = await mailpit.get(summary!.ID);
    expect(email.Subject).toBe(
      'Đề xuất kế hoạch kiểm tra năm 2027 chờ phê duyệt / Proposed inspection plan for 2027 awaiting approval',
    );
    const cycleRow = await database.db.prisma.cycle.findFirstOrThrow({ where: { year: YEAR } });
    const link = `${TEST_LINKS.publicUrl}/quan-ly/chu-ky/${cycleRow.id}/ke-hoach-kiem-tra`;
    expect(email.Text).toContain(`Đề nghị xem xét, điều chỉnh và phê duyệt kế hoạch tại: ${link}`);
    expect(email.Text).toContain(
      'hệ thống đã lập đề xuất kế hoạch kiểm tra năm 2027 thực hiện Kế hoạch số 99/KH-UBND',
    );
    // How each visit was chosen, counted.
    expect(email.Text).toContain(
      `${proposal.proposed.length} cuộc kiểm tra trong số 16 đơn vị thuộc diện kiểm tra: ` +
        `${byRisk.length} đơn vị chọn theo mức độ rủi ro, 4 đơn vị chọn ngẫu nhiên.`,
    );
    expect(email.Text).toContain(
      `${proposal.proposed.length} inspections among the 16 agencies subject to inspection: ` +
        `${byRisk.length} chosen by risk, 4 by random sample.`,
    );

    // Refused, each with why, changing nothing.
    const lines: PlanLine[] = proposal.proposed.map((v) => ({
      code: v.agency.code,
      kind: v.kind,
      visitOn: v.visitOn,
    }));
    const by = 'coordinator:huong';
    expect(
      await refusal(handle, {
        by,
        visits: [...lines, { code: 'SO-99', kind: 'kiem-tra', visitOn: '2027-10-20' }],
      }),
    ).toBe('visit 13: "SO-99" is not an agency this program\'s inspections address');
    expect(
      await refusal(handle, { by, visits: [{ code: 'SO-VHTTDL', kind: 'kiem-tra', visitOn: '2027-10-20' }] }),
    ).toBe('visit 1: "SO-VHTTDL" is not an agency this program\'s inspections address');
    expect(
      await refusal(handle, { by, visits: [{ code: 'SO-01', kind: 'kiem-tra', visitOn: '2027-10-16' }] }),
    ).toBe('visit 1 (SO-01): 2027-10-16 is not a working day');
    expect(
      await refusal(handle, { by, visits: [{ code: 'SO-01', kind: 'kiem-tra', visitOn: '2027-09-16' }] }),
    ).toBe('visit 1 (SO-01): 2027-09-16 is too soon: the notice needs the visit on 2027-09-17 or later');
    expect(
      await refusal(handle, {
        by,
        visits: [
          { code: 'SO-01', kind: 'kiem-tra', visitOn: '2027-10-18' },
          { code: 'SO-01', kind: 'thanh-tra', visitOn: '2027-10-19' },
        ],
      }),
    ).toBe('visit 2: SO-01 is in the plan twice');
    expect((await inspectionPlanOf(handle)).stage).toBe('proposed');

    // Approved with edits: the last sampled agency dropped, SO-01 moved, UBND-X-04 added as a thanh tra.
    const approved: PlanLine[] = [
      ...lines.slice(0, -1).map((l) => (l.code === 'SO-01' ? { ...l, visitOn: '2027-10-15' } : l)),
      ...(sample.includes(LATE) ? [] : [{ code: LATE, kind: 'thanh-tra' as const, visitOn: '2027-10-20' }]),
    ];
    const started = await handle.executeUpdate(approveInspectionPlanUpdate, {
      args: [{ by, visits: approved }],
      updateId: 'approve-once',
    });
    const expectedIds = approved.map((l) => inspectionWorkflowId(PROGRAM, YEAR, l.code)).sort();
    expect(started).toEqual(expectedIds);
    // The same Update again (a retried form) returns the same result; another approval is refused.
    expect(
      await handle.executeUpdate(approveInspectionPlanUpdate, {
        args: [{ by, visits: approved }],
        updateId: 'approve-once',
      }),
    ).toEqual(started);
    expect(await refusal(handle, { by, visits: [] })).toBe('the plan is already approved');
    const afterApproval = await inspectionPlanOf(handle);
    expect(afterApproval).toMatchObject({ stage: 'approved', approvedBy: by, approvedOn: '2027-09-09' });
    expect(afterApproval.approved!.find((v) => v.agency.code === 'SO-01')).toMatchObject({
      visitOn: '2027-10-15',
      source: 'risk',
    });

    for (const line of approved) {
      const inspection = env.client.workflow.getHandle(inspectionWorkflowId(PROGRAM, YEAR, line.code));
      const status = await inspection.query(inspectionStatusQuery);
      expect(status).toMatchObject({ kind: line.kind, visitOn: line.visitOn, stage: 'planned' });
      const { typedSearchAttributes: sa } = await inspection.describe();
      expect([sa.get(PhProgram), sa.get(PhYear), sa.get(PhAgency)]).toEqual([PROGRAM, YEAR, line.code]);
    }
    const audit = await database.db.prisma.auditEvent.findMany({
      where: { subject: cycleId, action: 'inspection-plan.approve' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(by);

    // The cycle runs to its end without waiting for the inspections, which go on (abandoned, not cancelled):
    // each noticed and visited, now waiting for the inspector's conclusion.
    const result = await handle.result();
    expect(result.agencies).toBe(17);
    const so01 = env.client.workflow.getHandle(inspectionWorkflowId(PROGRAM, YEAR, 'SO-01'));
    expect((await so01.describe()).status.name).toBe('RUNNING');
    expect((await so01.query(inspectionStatusQuery)).stage).toBe('visited');
    const notices = await database.db.prisma.notification.findMany({
      where: { workflowId: inspectionWorkflowId(PROGRAM, YEAR, 'SO-01'), status: 'sent' },
    });
    expect(notices.map((n) => n.recipient).sort()).toEqual(['dm@so-01.example', 'tt@so-01.example']);
    expect((await inspectionPlanOf(handle)).started).toEqual(started);
    // (An earlier recording, annual-cycle-inspection-plan, predates the coordinators' email.)
    await recordHistory(env, cycleId, 'annual-cycle-inspection-plan-email');
    for (const id of started) await env.client.workflow.getHandle(id).terminate('test over');
  });
});
