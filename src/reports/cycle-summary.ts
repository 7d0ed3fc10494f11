// The consolidated outcome a finished cycle stores (Cycle.summary): each agency's outcome per milestone
// and the counts per milestone, by the rule the report and `phoihop cycle status` use
// (consolidated/outcomes.ts): waived and cancelled obligations are not owed. Pure.
import type { CycleSummary, MilestoneSummary } from '../workflows/cycle-types';
import { outcomeOfObligation, outcomeText } from './consolidated/outcomes';

export interface SummaryObligation {
  agency: string;
  milestone: string;
  status: string;
  submittedAt: Date | null;
  lateByWorkingDays: number | null;
  flagged: boolean;
}

/** The summary of `obligations`, milestones in order of first appearance. */
export function summarizeCycle(
  program: string,
  year: number,
  obligations: readonly SummaryObligation[],
): CycleSummary {
  const byMilestone = new Map<string, MilestoneSummary>();
  const agencies: CycleSummary['agencies'] = {};
  for (const o of obligations) {
    let m = byMilestone.get(o.milestone);
    if (!m) {
      m = { milestone: o.milestone, owed: 0, onTime: 0, late: 0, missing: 0, waived: 0, flagged: [] };
      byMilestone.set(o.milestone, m);
    }
    const outcome = outcomeOfObligation(o);
    if (outcome.kind === 'waived') m.waived++;
    else if (outcome.kind !== 'cancelled') {
      m.owed++;
      if (outcome.kind === 'on-time') m.onTime++;
      else if (outcome.kind === 'late') m.late++;
      else m.missing++;
    }
    if (o.flagged) m.flagged.push(o.agency);
    (agencies[o.agency] ??= {})[o.milestone] = outcomeText(outcome);
  }
  return { program, year, milestones: [...byMilestone.values()], agencies };
}
