// Waiting in calendar time (cycle/clock.ts: possibly compressed). Workflow-safe.
import { condition } from '@temporalio/workflow';
import { sleepUntil, type ClockSpec } from '../../cycle/clock';

/**
 * Waits until calendar instant `at`, or until `version()` changes (an interaction woke the task);
 * true when `at` was reached.
 */
export async function waitUntil(clock: ClockSpec, at: number, version: () => number): Promise<boolean> {
  const seen = version();
  return !(await condition(() => version() !== seen, sleepUntil(clock, Date.now(), at)));
}
