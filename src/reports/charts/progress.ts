// What the progress charts draw, from the read models: per milestone, who owes it, when each agency
// submitted, the due date and the escalation steps (the cycle's plan); per agency group, the cells' states
// and the on-time rate (the consolidated report's rule, outcomes.ts).
import { buildCalendarData, PROJECT_HOLIDAY_DIR } from '../../calendar/load';
import { WorkingCalendar } from '../../calendar/working-calendar';
import { localDate } from '../../cycle/clock';
import { planCycle, yearsTouchedBy, type CyclePlan, type PlannedMilestone } from '../../cycle/plan';
import type { ProgramDefinition } from '../../programs/types';
import { outcomeOfObligation, rateCounts } from '../consolidated/outcomes';
import type { RateCounts } from '../consolidated/types';
import type { Matrix } from '../matrix';

export interface MilestoneProgress {
  milestone: string;
  /** Agencies owing the milestone (waived and cancelled left out). */
  owed: number;
  /** When the request went out (the plan's), null without a plan. */
  requestOn: string | null;
  /** The milestone's due date: the plan's, else the most common due date among the agencies. */
  due: string;
  /** The escalation steps' dates (the plan's; none without a plan). */
  steps: { step: string; afterWorkingDays: number; on: string }[];
  /** Local dates (YYYY-MM-DD) of the owing agencies' last submissions, sorted. */
  submittedOn: string[];
}

/** The cycle's plan from the program and the project's holiday files; null when a year's file is missing. */
export function cyclePlanOf(definition: ProgramDefinition, year: number): CyclePlan | null {
  try {
    const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(year), PROJECT_HOLIDAY_DIR));
    return planCycle(definition, year, calendar);
  } catch {
    // A cycle of a year the holiday files do not cover: the charts go without the escalation marks.
    return null;
  }
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** The progress of the matrix's milestone at `index`. Pure. */
export function milestoneProgress(
  matrix: Matrix,
  index: number,
  plan: PlannedMilestone | undefined,
): MilestoneProgress {
  const key = matrix.milestones[index]?.key ?? '';
  const owing = matrix.rows
    .map((r) => r.cells[index])
    .filter((c) => c !== null && c !== undefined && c.state !== 'waived' && c.state !== 'cancelled')
    .map((c) => c!);
  return {
    milestone: key,
    owed: owing.length,
    requestOn: plan?.requestOn ?? null,
    due: plan?.due ?? mostCommon(owing.map((c) => c.due)) ?? localDate(Date.now()),
    steps: (plan?.escalation ?? []).map((s) => ({
      step: s.step,
      afterWorkingDays: s.afterWorkingDays,
      on: s.on,
    })),
    submittedOn: owing.flatMap((c) => (c.submittedAt ? [localDate(c.submittedAt.getTime())] : [])).sort(),
  };
}

/** Every milestone's progress, with the plan's dates when the plan can be computed. */
export function cycleProgress(matrix: Matrix, definition: ProgramDefinition): MilestoneProgress[] {
  const plan = cyclePlanOf(definition, matrix.cycle.year);
  return matrix.milestones.map((m, i) =>
    milestoneProgress(
      matrix,
      i,
      plan?.milestones.find((p) => p.key === m.key),
    ),
  );
}

/**
 * Per agency group (in first-seen order of the rows): the outcomes' counts of the milestone at `index`, or
 * of every milestone when `index` is null. Groups owing nothing there are left out. Pure.
 */
export function groupRates(matrix: Matrix, index: number | null): Map<string, RateCounts> {
  const byGroup = new Map<string, ReturnType<typeof outcomeOfObligation>[]>();
  for (const row of matrix.rows) {
    const cells = index === null ? row.cells : [row.cells[index] ?? null];
    for (const cell of cells) {
      if (!cell) continue;
      const list = byGroup.get(row.group) ?? [];
      list.push(outcomeOfObligation({ ...cell, status: cell.state }));
      byGroup.set(row.group, list);
    }
  }
  return new Map([...byGroup].map(([group, outcomes]) => [group, rateCounts(outcomes)]));
}
