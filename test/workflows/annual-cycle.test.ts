import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/temporal';
import { recordHistory } from '../support/histories';
import { freshDatabase, testSmtpUrl, type TestDatabase } from '../support/databases';
import { runningWorker, TEST_FROM } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { importDirectoryFile } from '../../src/directory/import-file';
import { computePlan } from '../../src/cycle/compute-plan';
import { findProgram } from '../../src/programs/find';
import { calendarNow, fanOutLeadMs, localInstant } from '../../src/cycle/clock';
import { agencyWorkflowId } from '../../src/workflows/obligation-types';
import { cycleTotals, type AnnualCycleInput, type CycleSummary } from '../../src/workflows/cycle-types';
import { inspectionPlanOf } from '../support/inspection-plan';
import { annualCycle } from '../../src/workflows/annual-cycle';
import { statusQuery } from '../../src/workflows/messages/agency-obligations';

const PROGRAM = 'dien-bien-kh99';
// The four agencies of the small directory fixture, in code order: two batches of two.
const AGENCIES = ['SO-TP', 'SO-VHTTDL', 'SO-YT', 'UBND-P-DIENBIENPHU'];

/**
 * The whole cycle on the time-skipping server with the real activities: fan-out through batch workflows,
 * every agency's year, consolidation; and a cancelled cycle.
 */
describe('annualCycle (time-skipping server, real activities)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let database: TestDatabase;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  const taskQueue = `annual-cycle-${randomUUID()}`;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    database = await freshDatabase('sqlite', 'annual_cycle');
    await importDirectoryFile(
      database.db,
      join(__dirname, '../fixtures/directory-small.csv'),
      '2025-07-01',
      'test',
    );
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer, bundle });
  });

  afterAll(async () => {
    await worker?.stop();
    mailer?.close();
    await database?.drop();
    await env?.teardown();
  });

  function start(year: number) {
    const plan = computePlan(findProgram(PROGRAM), year);
    const input: AnnualCycleInput = {
      program: PROGRAM,
      year,
      clock: { originMs: localInstant(plan.startsOn, 7), scale: 1 },
      batchSize: 2,
    };
    return env.client.workflow.start(annualCycle, {
      taskQueue,
      workflowId: `cycle:${PROGRAM}:${year}`,
      args: [input],
    });
  }

  async function historyLength(workflowId: string): Promise<number> {
    return (await env.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
  }

  it('fans out in batches, runs the year for every agency, and consolidates', async () => {
    const year = 2027;
    const handle = await start(year);
    const result = await handle.result();

    expect(result.agencies).toBe(4);
    // Nobody answered: every milestone owed is missing and flagged; the lead alone owes the consolidation.
    // The result carries the counts; each agency's outcome and the names are in the stored summary.
    const stored = await database.db.prisma.cycle.findUniqueOrThrow({ where: { id: result.cycleId } });
    expect(stored.status).toBe('completed');
    const summary = stored.summary as unknown as CycleSummary;
    expect(summary.agencies).toEqual({
      'SO-TP': { 'annual-plan': 'missing', 'report-6m': 'missing', 'report-annual': 'missing' },
      'SO-VHTTDL': {
        'annual-plan': 'missing',
        'report-6m': 'missing',
        'report-annual': 'missing',
        consolidation: 'missing',
      },
      'SO-YT': { 'annual-plan': 'missing', 'report-6m': 'missing', 'report-annual': 'missing' },
      'UBND-P-DIENBIENPHU': {
        'annual-plan': 'missing',
        'report-6m': 'missing',
        'report-annual': 'missing',
      },
    });
    const annual = summary.milestones.find((m) => m.milestone === 'annual-plan')!;
    expect(annual).toMatchObject({ owed: 4, onTime: 0, late: 0, missing: 4 });
    expect(annual.flagged).toEqual(AGENCIES);
    expect(result.summary).toEqual(cycleTotals(summary));
    expect(result.summary.milestones.find((m) => m.milestone === 'annual-plan')).toEqual({
      milestone: 'annual-plan',
      owed: 4,
      onTime: 0,
      late: 0,
      missing: 4,
      waived: 0,
      flagged: 4,
    });

    // Two batch workflows of two agencies each, each agency in its own workflow.
    const cycleId = `cycle:${PROGRAM}:${year}`;
    const batches = [`${cycleId}:batch-1`, `${cycleId}:batch-2`];
    // The batches ran on the fan-out queue, the agencies on the cycle's own.
    for (const id of batches) {
      const description = await env.client.workflow.getHandle(id).describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.taskQueue).toBe(`${taskQueue}-fanout`);
    }
    for (const code of AGENCIES) {
      const description = await env.client.workflow
        .getHandle(agencyWorkflowId(PROGRAM, year, code))
        .describe();
      expect(description.taskQueue).toBe(taskQueue);
    }
    // Nobody approved the inspection plan proposed on the milestone's request day (all three agencies it
    // addresses had missed their plan and six-month report): it lapsed when the year's obligations ended.
    const inspectionPlan = await inspectionPlanOf(env.client.workflow.getHandle(cycleId));
    expect(inspectionPlan).toMatchObject({ stage: 'lapsed', proposedOn: '2027-09-09', started: [] });
    expect(inspectionPlan.proposed.map((v) => [v.agency.code, v.source, v.score])).toEqual([
      ['SO-TP', 'risk', 6],
      ['SO-YT', 'risk', 6],
      ['UBND-P-DIENBIENPHU', 'risk', 6],
    ]);
    expect(await database.db.prisma.inspection.count()).toBe(0);
    const lapsed = await database.db.prisma.auditEvent.findMany({
      where: { subject: cycleId, action: 'inspection-plan.lapse' },
    });
    expect(lapsed).toHaveLength(1);
    // History sizes: the cycle grows with the number of batches, a batch with its agencies (a few events
    // each), an agency with its own milestones: none with the size of the directory. The cycle's own steps
    // (prepare, the clock, load, consolidate, the report, the inspection plan's timer, proposal, the coordinators' email
    // and lapse) are a fixed ~55 events, and two more per patch marker (the marker and its
    // TemporalChangeVersion upsert), and the clock stored on the cycle's row: under 95 here.
    expect(await historyLength(cycleId)).toBeLessThan(95);
    for (const id of batches) expect(await historyLength(id)).toBeLessThan(40);
    for (const code of AGENCIES) {
      expect(await historyLength(agencyWorkflowId(PROGRAM, year, code))).toBeLessThan(1000);
    }
    // (Earlier recordings: annual-cycle-two-batches, before the consolidated report; cycle-batch-two-agencies;
    // annual-cycle-two-batches-report, before the fan-out queue; annual-cycle-fan-out-queue and
    // cycle-batch-fan-out-queue, before the cycle's one clock; annual-cycle-one-clock, before the clock was
    // stored on the cycle's row.)
    await recordHistory(env, cycleId, 'annual-cycle-record-clock');
    await recordHistory(env, batches[0]!, 'cycle-batch-one-clock');
  });

  it('gives every agency the cycle’s one clock, its calendar starting early enough for the fan-out', async () => {
    const year = 2029;
    const plan = computePlan(findProgram(PROGRAM), year);
    const scale = 100_000;
    const input: AnnualCycleInput = {
      program: PROGRAM,
      year,
      clock: { originMs: localInstant(plan.startsOn, 7), scale },
      batchSize: 2,
    };
    const handle = await env.client.workflow.start(annualCycle, {
      taskQueue,
      workflowId: `cycle:${PROGRAM}:${year}`,
      args: [input],
    });
    await handle.result();

    // The four agencies were started by two batches, each at its own moment of the fan-out (their first
    // workflow tasks), and all read the calendar the cycle fixed when it started.
    const agencies = AGENCIES.map((code) =>
      env.client.workflow.getHandle(agencyWorkflowId(PROGRAM, year, code)),
    );
    const clocks = await Promise.all(agencies.map(async (h) => (await h.query(statusQuery)).clock));
    const cycleStarted = await firstWorkflowTaskMs(`cycle:${PROGRAM}:${year}`);
    const firstTasks = await Promise.all(agencies.map((h) => firstWorkflowTaskMs(h.workflowId)));
    for (const at of firstTasks) expect(at).toBeGreaterThan(cycleStarted);
    const [clock] = clocks;
    for (const other of clocks) expect(other).toEqual(clock);
    // At the same instant (the first agency's start, the last one's), the same calendar instant for all.
    for (const at of [Math.min(...firstTasks), Math.max(...firstTasks)]) {
      expect(new Set(clocks.map((c) => calendarNow(c, at))).size).toBe(1);
    }
    // The calendar starts a fan-out allowance before 07:00 on the first day: 2.4 s for four agencies, at
    // ×100,000 about 2.8 days, so the agencies are all running before the first request goes out at 08:00.
    expect(fanOutLeadMs(4, scale)).toBe(2_400 * scale);
    expect(clock).toEqual({
      originMs: localInstant(plan.startsOn, 7) - fanOutLeadMs(4, scale),
      scale,
      startedMs: expect.any(Number),
    });
    expect(clock!.startedMs).toBeGreaterThanOrEqual(cycleStarted);
    // The same clock is on the cycle's row, for the pages (patch record-cycle-clock).
    const row = await database.db.prisma.cycle.findFirstOrThrow({ where: { year } });
    expect(row.clock).toEqual(clock);
  });

  /** The workflow time of a workflow's first workflow task (when it first ran). */
  async function firstWorkflowTaskMs(workflowId: string): Promise<number> {
    const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
    return tsToMs(events!.find((e) => e.workflowTaskStartedEventAttributes)!.eventTime);
  }

  it('a cancelled cycle cancels every agency, records their open obligations as cancelled, and is marked cancelled', async () => {
    const year = 2028;
    const handle = await start(year);
    // Let the requests go out (the cycle starts in mid-January) before the coordinator cancels.
    await env.sleep('30 days');
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);

    for (const code of AGENCIES) {
      const description = await env.client.workflow
        .getHandle(agencyWorkflowId(PROGRAM, year, code))
        .describe();
      expect(description.status.name).toBe('CANCELLED');
    }
    const cycle = await database.db.prisma.cycle.findFirstOrThrow({ where: { year } });
    const obligations = await database.db.prisma.obligation.findMany({ where: { cycleId: cycle.id } });
    expect(obligations.length).toBe(13);
    expect(new Set(obligations.map((o) => o.status))).toEqual(new Set(['cancelled']));
    expect(cycle.status).toBe('cancelled');
    expect(cycle.summary).toMatchObject({ agencies: { 'SO-YT': { 'annual-plan': 'cancelled' } } });
  });
});
