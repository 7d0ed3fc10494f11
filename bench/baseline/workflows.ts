// The engine baseline of the cycle benchmark: the same shape of work as a Plan 99 cycle (a cycle workflow,
// batch children, one child per agency, each agency's timers and activities over the same span) with no
// application logic, so `scripts/bench --baseline` can put our throughput next to what Temporal itself
// sustains on the machine. Deterministic workflow code; bundled separately from src/workflows.
import { proxyActivities, sleep, startChild, executeChild, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';

export interface BaselineShape {
  agencies: number;
  batchSize: number;
  /** Per agency: timers and activities (the averages measured on the real cycle). */
  timers: number;
  activities: number;
  /** Workflow milliseconds the agency's timers span (the real cycle's compressed year). */
  spanMs: number;
}

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });

export async function baselineCycle(shape: BaselineShape): Promise<number> {
  const { workflowId } = workflowInfo();
  const batches: Promise<number>[] = [];
  for (let offset = 0; offset < shape.agencies; offset += shape.batchSize) {
    batches.push(
      executeChild(baselineBatch, {
        workflowId: `${workflowId}:batch-${offset / shape.batchSize + 1}`,
        args: [shape, offset, Math.min(shape.batchSize, shape.agencies - offset)],
      }),
    );
  }
  return (await Promise.all(batches)).reduce((a, b) => a + b, 0);
}

export async function baselineBatch(shape: BaselineShape, offset: number, count: number): Promise<number> {
  const { workflowId } = workflowInfo();
  const children = [];
  // Chunks of 100 starts per workflow task, as cycleBatch does.
  for (let i = 0; i < count; i += 100) {
    children.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, (_, k) =>
          startChild(baselineAgency, {
            workflowId: `${workflowId}:agency-${offset + i + k + 1}`,
            args: [shape],
          }),
        ),
      )),
    );
  }
  await Promise.all(children.map((c) => c.result()));
  return children.length;
}

export async function baselineAgency(shape: BaselineShape): Promise<void> {
  const step = Math.max(1, Math.floor(shape.spanMs / Math.max(1, shape.timers)));
  let done = 0;
  for (let t = 0; t < shape.timers; t++) {
    await sleep(step);
    // The activities spread evenly over the timers, run one after another as an agency's emails are.
    const due = Math.round(((t + 1) * shape.activities) / shape.timers);
    for (; done < due; done++) await noop();
  }
  for (; done < shape.activities; done++) await noop();
}
