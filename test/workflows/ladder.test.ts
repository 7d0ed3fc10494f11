import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createTimeSkippingEnv } from '../support/temporal';
import { buildCalendarData } from '../../src/calendar/load';
import { localInstant } from '../../src/cycle/clock';
import { yearsTouchedBy } from '../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../src/cycle/compute-plan';
import type { IsoDate } from '../../src/calendar/dates';
import type { RecipientRole } from '../../src/programs/types';
import {
  moveDueUpdate,
  probeQuery,
  receiveUpdate,
  type ProbeInput,
  type ProbeStatus,
} from '../support/ladder-probe-workflow';
import { ladderProbe } from '../support/ladder-probe-workflow';

// Due Fri 12/02/2027, requested Fri 15/01: reminders 5, 2 and 0 working days before (29/01; 03/02 over
// the Tết holiday; 12/02), overdue from midnight, the overdue notice 1 working day after (Mon 15/02) and
// the head 3 after (Wed 17/02).
const CALENDAR = buildCalendarData(yearsTouchedBy(2027), HOLIDAYS_DIR);

/**
 * The shared follow-up ladder (src/workflows/ladder/run.ts) on its own, in a workflow that runs only it
 * (test/support/ladder-probe-workflow.ts), on the time-skipping server: what goes out when, the fallback
 * when nobody can be reached, a due date moved mid-wait, a task received, and a worker that was down.
 */
describe('runLadder (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `ladder-${randomUUID()}`;
  /** Roles whose every address is refused for good, per workflow. */
  const unreachable = new Map<string, RecipientRole[]>();

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowsPath: require.resolve('../support/ladder-probe-workflow'),
      activities: {
        async deliver(to: RecipientRole[]) {
          const refused = unreachable.get(Context.current().info.workflowExecution?.workflowId ?? '') ?? [];
          return {
            delivered: to.filter((r) => !refused.includes(r)).length,
            undeliverable: to.filter((r) => refused.includes(r)).map((r) => `${r} ${r}@example.vn: 550`),
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
  });

  async function start(from: { date: IsoDate; hour: number }, refused: RecipientRole[] = []) {
    const workflowId = `ladder-${randomUUID()}`;
    unreachable.set(workflowId, refused);
    const input: ProbeInput = {
      calendar: CALENDAR,
      originMs: localInstant(from.date, from.hour),
      requestOn: '2027-01-15',
      due: '2027-02-12',
      reminders: [5, 2, 0],
      escalation: [
        { step: 'overdue', afterWorkingDays: 1, recipients: ['focal_point'] },
        { step: 'escalate-head', afterWorkingDays: 3, recipients: ['head'] },
      ],
      closesOn: '2027-03-31',
    };
    const handle = await env.client.workflow.start(ladderProbe, { taskQueue, workflowId, args: [input] });
    return { handle: handle as WorkflowHandle, origin: input.originMs, startedAt: await env.currentTimeMs() };
  }

  const probe = async (handle: WorkflowHandle) => await handle.query(probeQuery);

  /** Lets (skipped) time run until a local date and hour of the workflow's calendar. */
  async function advanceTo(w: { origin: number; startedAt: number }, date: IsoDate, hour: number) {
    const now = w.origin + ((await env.currentTimeMs()) - w.startedAt);
    await env.sleep(localInstant(date, hour) - now);
  }

  it('request, reminders, overdue at the due day’s end, the steps, each up to the head when nobody is reached', async () => {
    const w = await start({ date: '2027-01-14', hour: 7 }, ['focal_point']);
    await advanceTo(w, '2027-02-13', 1);
    expect((await probe(w.handle)).stage).toBe('overdue');
    const result = (await w.handle.result()) as ProbeStatus;
    expect(result.sent).toEqual([
      '2027-01-15 08:00 request → focal_point',
      '2027-01-15 08:00 request-to-head → head',
      '2027-01-29 08:00 r0:remind-5 → focal_point',
      '2027-01-29 08:00 r0:remind-5-to-head → head',
      '2027-02-03 08:00 r0:remind-2 → focal_point',
      '2027-02-03 08:00 r0:remind-2-to-head → head',
      '2027-02-12 08:00 r0:remind-0 → focal_point',
      '2027-02-12 08:00 r0:remind-0-to-head → head',
      '2027-02-15 08:00 r0:overdue → focal_point',
      '2027-02-15 08:00 r0:overdue-to-head → head',
      '2027-02-17 08:00 r0:escalate-head → head',
    ]);
    expect(result.stage).toBe('escalated');
    expect(result.notes.slice(0, 2)).toEqual([
      'undeliverable: focal_point focal_point@example.vn: 550',
      'request: nobody reachable; sent to head instead',
    ]);
  });

  it('a due date moved mid-wait re-arms the ladder for the new round; a received task gets nothing more', async () => {
    const w = await start({ date: '2027-01-14', hour: 7 });
    await advanceTo(w, '2027-01-30', 12);
    await w.handle.executeUpdate(moveDueUpdate, { args: ['2027-03-05'] });
    await advanceTo(w, '2027-03-04', 12);
    await w.handle.executeUpdate(receiveUpdate);
    const result = (await w.handle.result()) as ProbeStatus;
    // Round 1 (due Fri 05/03) began on 30/01: its reminders on 26/02 and 03/03; 03/02 of round 0 never.
    expect(result.sent).toEqual([
      '2027-01-15 08:00 request → focal_point',
      '2027-01-29 08:00 r0:remind-5 → focal_point',
      '2027-02-26 08:00 r1:remind-5 → focal_point',
      '2027-03-03 08:00 r1:remind-2 → focal_point',
    ]);
    expect(result).toMatchObject({ stage: 'received', round: 1, notes: [] });
  });

  it('after the worker was down, catches up what passed in order, without the reminders of a passed due day', async () => {
    const w = await start({ date: '2027-02-16', hour: 10 });
    const result = (await w.handle.result()) as ProbeStatus;
    expect(result.sent).toEqual([
      '2027-02-16 10:00 request → focal_point',
      '2027-02-16 10:00 r0:overdue → focal_point',
      '2027-02-17 08:00 r0:escalate-head → head',
    ]);
    expect(result.stage).toBe('escalated');
  });
});
