import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { createTimeSkippingEnv } from '../support/temporal';
import { projectRoot } from '../support/tools';
import { PROJECT_HOLIDAY_DIR } from '../../src/calendar/load';
import { createScheduleActivities, type ScheduledCycleStarted } from '../../src/activities/schedule';
import { cycleStartInstant, fireInstant } from '../../src/schedule/timing';
import { cycleWorkflowId } from '../../src/workflows/cycle-types';
import type {
  ScheduledCycleStartInput,
  ScheduledCycleStartResult,
} from '../../src/workflows/scheduled-cycle-start';
import { scheduledCycleStart } from '../../src/workflows/scheduled-cycle-start';

/** A copy of Plan 99 whose cycle starts on the first working day of January. */
const FIRST_DAY = 'first-day-test';

/**
 * "The schedule firing on the right date", on the time-skipping server. That server implements no
 * Schedules (checked below), so the workflow a Schedule starts is started here as the Schedule would
 * start it, at the Schedule's fire time, and time is skipped to see the cycle start on the right day.
 * The Schedule itself is tested on the dev server (test/integration/schedule.test.ts).
 */
describe('scheduledCycleStart (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let programsDir: string;
  const taskQueue = `scheduled-start-${randomUUID()}`;
  /** Every start the workflow asked for, with the server's time at that moment. */
  const starts: { program: string; year: number; atMs: number }[] = [];

  beforeAll(async () => {
    programsDir = mkdtempSync(join(tmpdir(), 'phoihop-programs-'));
    const plan99 = readFileSync(join(projectRoot, 'programs/dien-bien-kh99.yaml'), 'utf8');
    writeFileSync(join(programsDir, 'dien-bien-kh99.yaml'), plan99);
    writeFileSync(
      join(programsDir, `${FIRST_DAY}.yaml`),
      plan99
        .replace(/^code: dien-bien-kh99$/m, `code: ${FIRST_DAY}`)
        .replace(/^ {2}start: \{ month: 1, day: 15 \}$/m, '  start: { firstWorkingDayOf: { month: 1 } }'),
    );
    env = await createTimeSkippingEnv();
    const real = createScheduleActivities({ programsDir, holidaysDir: PROJECT_HOLIDAY_DIR });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows/scheduled-cycle-start'),
      activities: {
        cycleStartTime: real.cycleStartTime,
        // Starting the real cycle is the dev-server test's part; here: when, and for which year.
        async startScheduledCycle(input: { program: string; year: number }): Promise<ScheduledCycleStarted> {
          const first = !starts.some((s) => s.program === input.program && s.year === input.year);
          starts.push({ ...input, atMs: await env.currentTimeMs() });
          return {
            workflowId: cycleWorkflowId(input.program, input.year),
            outcome: first ? 'started' : 'already-started',
          };
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    rmSync(programsDir, { recursive: true, force: true });
  });

  /**
   * Starts the workflow as a Schedule would, skips time to `until` (when given), and returns its result.
   * Through a plain client: the time-skipping client's result() lets the idle server race years ahead.
   */
  async function run(input: ScheduledCycleStartInput, until?: number): Promise<ScheduledCycleStartResult> {
    const client = new Client({ connection: env.connection });
    const handle = await client.workflow.start(scheduledCycleStart, {
      taskQueue,
      workflowId: `scheduled-start:${input.program}-${randomUUID()}`,
      args: [input],
    });
    if (until !== undefined) await skipTo(until);
    return (await handle.result()) as ScheduledCycleStartResult;
  }

  async function skipTo(instantMs: number): Promise<void> {
    const now = await env.currentTimeMs();
    if (instantMs > now) await env.sleep(instantMs - now);
  }

  it('has no Schedules on this server (hence the workflow-level test)', async () => {
    await expect(
      env.client.schedule.create({
        scheduleId: `probe-${randomUUID()}`,
        spec: { intervals: [{ every: '1 day' }] },
        action: {
          type: 'startWorkflow',
          workflowType: scheduledCycleStart,
          taskQueue,
          args: [{ program: 'dien-bien-kh99' }],
        },
      }),
    ).rejects.toThrow();
  });

  it('fired at midnight on 1 January 2027, starts the cycle at 07:00 on Monday 4th (New Year, weekend)', async () => {
    await skipTo(fireInstant({ firstWorkingDayOf: { month: 1 } }, 2027));
    // The year comes from the fire time, as when scheduled.
    const result = await run({ program: FIRST_DAY }, cycleStartInstant('2027-01-04') + 60_000);
    expect(result).toEqual({
      program: FIRST_DAY,
      year: 2027,
      startsOn: '2027-01-04',
      workflowId: `cycle:${FIRST_DAY}:2027`,
      outcome: 'started',
    });
    const start = starts.at(-1)!;
    expect(start).toMatchObject({ program: FIRST_DAY, year: 2027 });
    expect(start.atMs).toBeGreaterThanOrEqual(cycleStartInstant('2027-01-04'));
    expect(start.atMs - cycleStartInstant('2027-01-04')).toBeLessThan(60_000);
  });

  it('for Plan 99 (15 January, a Saturday in 2028), starts on Monday 17 January 2028', async () => {
    await skipTo(fireInstant({ month: 1, day: 15 }, 2028));
    const result = await run({ program: 'dien-bien-kh99' }, cycleStartInstant('2028-01-17') + 60_000);
    expect(result).toMatchObject({ year: 2028, startsOn: '2028-01-17', outcome: 'started' });
    const start = starts.at(-1)!;
    expect(start.atMs).toBeGreaterThanOrEqual(cycleStartInstant('2028-01-17'));
    expect(start.atMs - cycleStartInstant('2028-01-17')).toBeLessThan(60_000);
  });

  it('fired late (catch-up, backfill of a past year), starts at once; a second fire finds it there', async () => {
    const now = await env.currentTimeMs();
    const result = await run({ program: 'dien-bien-kh99', year: 2027 });
    expect(result).toMatchObject({ year: 2027, startsOn: '2027-01-15', outcome: 'started' });
    expect(starts.at(-1)!.atMs - now).toBeLessThan(60_000);
    expect(await run({ program: 'dien-bien-kh99', year: 2027 })).toMatchObject({
      outcome: 'already-started',
    });
  });

  it('refuses an unknown program at once, without retrying', async () => {
    await expect(run({ program: 'no-such-program', year: 2027 })).rejects.toThrow(
      /workflow execution failed/i,
    );
  });
});
