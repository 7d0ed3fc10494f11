// The calendar a running cycle's pages read: its one clock (fixed when the cycle started, cycle/clock.ts),
// as stored on the cycle's row, or for a cycle started before that, asked once of one of its agency
// workflows and kept, so that "today" on the dashboard is the cycle's
// today, also in a compressed demo year. Without an answer from Temporal, the web server's own present.
import type { Client } from '@temporalio/client';
import { calendarNow, storedClock, type ClockSpec } from '../../cycle/clock';
import { statusQuery } from '../../workflows/messages/agency-obligations';

/** How long a page waits for the workflow's answer before it takes the server's present. */
const QUERY_DEADLINE_MS = 3000;

/** The clock of each cycle (by id) once known: a cycle's clock never changes. */
const clocks = new Map<number, ClockSpec>();

export interface CycleCalendar {
  /** The cycle's calendar instant now (ms). */
  nowMs: number;
  /** Calendar milliseconds per real millisecond (1 outside a compressed demo). */
  scale: number;
}

/**
 * The cycle's calendar now. `pageNow` is the web server's present when a test or the demo set one (it is
 * then the calendar instant itself); `workflowId` is one of the cycle's agency workflows, asked for its
 * clock when none is known yet.
 */
export async function cycleCalendar(
  temporal: Client | undefined,
  cycleId: number,
  workflowId: string | undefined,
  pageNow: (() => number) | undefined,
  stored?: unknown,
): Promise<CycleCalendar> {
  // The clock on the cycle's row (record-cycle-clock) first; a cycle started before it is asked.
  let clock = storedClock(stored) ?? clocks.get(cycleId);
  if (!clock && temporal && workflowId) {
    clock = await askClock(temporal, workflowId);
    if (clock) clocks.set(cycleId, clock);
  }
  const scale = clock?.scale ?? 1;
  if (pageNow) return { nowMs: pageNow(), scale };
  return { nowMs: clock ? calendarNow(clock, Date.now()) : Date.now(), scale };
}

async function askClock(temporal: Client, workflowId: string): Promise<ClockSpec | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), QUERY_DEADLINE_MS);
  });
  try {
    const status = await Promise.race([temporal.workflow.getHandle(workflowId).query(statusQuery), deadline]);
    return status?.clock;
  } catch {
    // The workflow service away, or the workflow gone: the server's present this time, asked again later.
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
