import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  proxyActivities,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { cycleYearAt } from '../schedule/timing';
import { PhProgram, PhYear } from './search-attributes';

const { cycleStartTime, startScheduledCycle } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: ['ScheduledStartRefused'],
  },
});

/** Set by Temporal on every workflow a Schedule starts: the nominal time of the action. */
const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export interface ScheduledCycleStartInput {
  program: string;
  /** The cycle year; by default the local year of the schedule's nominal fire time (or of this start). */
  year?: number;
}

export interface ScheduledCycleStartResult {
  program: string;
  year: number;
  startsOn: string;
  workflowId: string;
  outcome: 'started' | 'already-started';
}

/**
 * What a program's Schedule (`schedule:<program>`) starts every year: computes the year's first day of
 * the cycle with the working calendar, waits until START_HOUR that day, then starts the year's
 * `annualCycle` through the same path as `phoihop cycle start`, so the program version, directory
 * snapshot and calendar are taken on the day. A cycle already started (by hand or by an earlier trigger)
 * is success: one cycle per program and year, whoever starts it.
 *
 * The year is that of the schedule's nominal time, so a backfill of a past year starts that year's cycle
 * and a trigger starts the current year's.
 */
export async function scheduledCycleStart(
  input: ScheduledCycleStartInput,
): Promise<ScheduledCycleStartResult> {
  const info = workflowInfo();
  const nominal = info.typedSearchAttributes.get(TemporalScheduledStartTime);
  const year = input.year ?? cycleYearAt((nominal ?? info.startTime).getTime());
  upsertSearchAttributes([
    { key: PhProgram, value: input.program },
    { key: PhYear, value: year },
  ]);
  const when = await cycleStartTime({ program: input.program, year });
  if (when.waitMs > 0) {
    setCurrentDetails(`waiting for the ${year} cycle's first day, ${when.startsOn}`);
    await sleep(when.waitMs);
  }
  const started = await startScheduledCycle({ program: input.program, year });
  setCurrentDetails(`${started.workflowId}: ${started.outcome}`);
  return { program: input.program, year, startsOn: when.startsOn, ...started };
}
