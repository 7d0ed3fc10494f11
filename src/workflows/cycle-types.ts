// Inputs and results of the cycle-level workflows. Pure.
import type { CalendarData } from '../calendar/working-calendar';
import type { CyclePlan } from '../cycle/plan';

export interface AnnualCycleInput {
  program: string;
  year: number;
  /**
   * Compressed time for demos: the calendar instant the year begins at, and the speed-up. The cycle fixes
   * its one clock from it when it starts (cycleClock: the calendar starts a fan-out allowance earlier).
   */
  clock?: { originMs: number; scale: number };
  /** Agencies per batch workflow (default BATCH_SIZE); tests use small batches to exercise the fan-out. */
  batchSize?: number;
}

export interface PreparedCycle {
  cycleId: number;
  programVersionId: number;
  /** Directory code of the program's lead agency. */
  lead: string;
  plan: CyclePlan;
  calendar: CalendarData;
  /** Agencies of the directory snapshot that the program addresses. */
  agencyCount: number;
}

export interface CycleBatchInput {
  program: string;
  year: number;
  cycleId: number;
  programVersionId: number;
  lead: string;
  plan: CyclePlan;
  calendar: CalendarData;
  /**
   * The cycle's clock, passed on to every agency: with `startedMs` (the workflow time the cycle fixed it
   * at), one calendar for all; without (batches of cycles started before), each agency's clock starts at its
   * own first workflow task.
   */
  clock: { originMs: number; scale: number; startedMs?: number };
  offset: number;
  limit: number;
  /**
   * The task queue of the agencies' workflows and of the batch's activity, when the batch runs on the
   * fan-out queue (fanOutTaskQueue); absent in batches started before it existed (all on one queue).
   */
  agencyTaskQueue?: string;
}

export interface CycleBatchResult {
  agencies: number;
}

/** Per milestone: how the agencies did. */
export interface MilestoneSummary {
  milestone: string;
  owed: number;
  onTime: number;
  late: number;
  missing: number;
  waived: number;
  /** Agencies named in the consolidated report (the last rung of the ladder was reached). */
  flagged: string[];
}

export interface CycleSummary {
  program: string;
  year: number;
  milestones: MilestoneSummary[];
  /** Per agency and milestone: "on-time", "late:<n>", "missing", "waived", "cancelled". */
  agencies: Record<string, Record<string, string>>;
}

/** A milestone's counts, as a cycle's result carries them (the agencies named: a count). */
export interface MilestoneTotals extends Omit<MilestoneSummary, 'flagged'> {
  flagged: number;
}

/**
 * What `consolidateCycle` returns and the cycle's result carries: the counts per milestone. The whole
 * summary (each agency's outcome, the agencies named) is stored in the database (`Cycle.summary`), not
 * passed through Temporal: it grows with the directory (over a megabyte at 10,000 agencies, against the
 * 2 MB limit of a payload).
 */
export interface CycleTotals {
  program: string;
  year: number;
  milestones: MilestoneTotals[];
}

export function cycleTotals(summary: CycleSummary): CycleTotals {
  return {
    program: summary.program,
    year: summary.year,
    milestones: summary.milestones.map((m) => ({ ...m, flagged: m.flagged.length })),
  };
}

export interface CycleResult {
  cycleId: number;
  agencies: number;
  summary: CycleTotals;
}

export function cycleWorkflowId(program: string, year: number): string {
  return `cycle:${program}:${year}`;
}
