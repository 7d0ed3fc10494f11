// What `phoihop cycle status` shows of a cycle: per milestone, what is owed and how it stands, by the rule
// of the consolidated report and the stored summary (consolidated/outcomes.ts). While the cycle runs, a
// submission counts as on time or late and the rest is "not yet submitted" (some overdue); once the cycle
// has closed, each obligation's final outcome (missing, not overdue). Pure.
import { outcomeOfObligation, parseOutcome } from './consolidated/outcomes';
import type { AgencyObligationsStatus, ObligationStatus } from '../workflows/obligation-types';
import type { Outcome } from './consolidated/types';

export interface StatusObligation {
  agency: string;
  milestone: string;
  /** The read model's status (ObligationStatus). */
  status: string;
  submittedAt: Date | null;
  lateByWorkingDays: number | null;
}

export interface MilestoneStatus {
  milestone: string;
  /** Every obligation of the milestone. */
  assigned: number;
  /** Assigned less waived and cancelled: what the on-time rate is taken over. */
  owed: number;
  onTime: number;
  late: number;
  /** Owed and nothing submitted: missing once the cycle has closed. */
  notSubmitted: number;
  /** While the cycle runs: of those not submitted, the ones past their due date (0 once closed). */
  overdue: number;
  waived: number;
  cancelled: number;
}

export interface CycleStatusSummary {
  cycleStatus: string;
  /** Completed or cancelled: the counts are the final outcome. */
  closed: boolean;
  milestones: MilestoneStatus[];
}

/** Cycle.summary's per-agency outcomes (absent until the cycle is consolidated). */
export type StoredOutcomes = Record<string, Record<string, string>> | null | undefined;

export function isClosedCycle(cycleStatus: string): boolean {
  return cycleStatus === 'completed' || cycleStatus === 'cancelled';
}

/** An obligation's outcome: the stored summary's once the cycle is consolidated, else the same rule. */
export function obligationOutcome(o: StatusObligation, stored: StoredOutcomes): Outcome {
  const text = stored?.[o.agency]?.[o.milestone];
  return text ? parseOutcome(text) : outcomeOfObligation(o);
}

/** The counts per milestone, milestones in the order given (then any others in order of appearance). */
export function cycleStatusSummary(
  cycleStatus: string,
  obligations: readonly StatusObligation[],
  stored?: StoredOutcomes,
  milestoneOrder: readonly string[] = [],
): CycleStatusSummary {
  const closed = isClosedCycle(cycleStatus);
  const byMilestone = new Map<string, MilestoneStatus>(
    milestoneOrder.map((milestone) => [milestone, emptyStatus(milestone)]),
  );
  for (const o of obligations) {
    const m = byMilestone.get(o.milestone) ?? emptyStatus(o.milestone);
    byMilestone.set(o.milestone, m);
    m.assigned++;
    const outcome = obligationOutcome(o, closed ? stored : undefined);
    switch (outcome.kind) {
      case 'waived':
        m.waived++;
        continue;
      case 'cancelled':
        m.cancelled++;
        continue;
      case 'on-time':
        m.onTime++;
        break;
      case 'late':
        m.late++;
        break;
      case 'missing':
        m.notSubmitted++;
        if (!closed && o.status === 'overdue') m.overdue++;
        break;
    }
    m.owed++;
  }
  return { cycleStatus, closed, milestones: [...byMilestone.values()].filter((m) => m.assigned > 0) };
}

function emptyStatus(milestone: string): MilestoneStatus {
  return {
    milestone,
    assigned: 0,
    owed: 0,
    onTime: 0,
    late: 0,
    notSubmitted: 0,
    overdue: 0,
    waived: 0,
    cancelled: 0,
  };
}

/** The readable lines, Vietnamese then English on each. */
export function cycleStatusLines(title: string, summary: CycleStatusSummary): string[] {
  const lines = [
    `${title}: ${summary.cycleStatus}` + (summary.closed ? ' (kết quả cuối cùng / final outcome)' : ''),
  ];
  for (const m of summary.milestones) {
    const open = summary.closed
      ? `không gửi/missing ${m.notSubmitted}`
      : `chưa gửi/not yet submitted ${m.notSubmitted}` +
        (m.overdue > 0 ? ` (quá hạn/overdue ${m.overdue})` : '');
    lines.push(
      `  ${m.milestone.padEnd(16)} phải gửi/owed ${m.owed}: đúng hạn/on time ${m.onTime}, ` +
        `muộn/late ${m.late}, ${open}; được miễn/waived ${m.waived}` +
        (m.cancelled > 0 ? `, đã hủy/cancelled ${m.cancelled}` : ''),
    );
  }
  lines.push('  Phải gửi = được giao, trừ được miễn và đã hủy / owed = assigned, less waived and cancelled.');
  return lines;
}

/** One agency's obligation once the cycle has closed: its final outcome in place of the workflow's stage. */
export function outcomeLabel(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'on-time':
      return 'đúng hạn/on time';
    case 'late':
      return `muộn ${outcome.days} ngày làm việc/late ${outcome.days} working days`;
    case 'missing':
      return 'không gửi/missing';
    case 'waived':
      return 'được miễn/waived';
    case 'cancelled':
      return 'đã hủy/cancelled';
  }
}

/** An agency's status as `cycle status --agency` shows it: with each final outcome once the cycle closed. */
export interface AgencyStatusShown extends Omit<AgencyObligationsStatus, 'obligations'> {
  closed: boolean;
  obligations: (ObligationStatus & { outcome?: Outcome })[];
}

export function withFinalOutcomes(
  status: AgencyObligationsStatus,
  final: { closed: boolean; outcomes: ReadonlyMap<string, Outcome> } | null,
): AgencyStatusShown {
  const closed = final?.closed === true;
  return {
    ...status,
    closed,
    obligations: status.obligations.map((o) => {
      const outcome = closed ? final?.outcomes.get(o.milestone) : undefined;
      return outcome ? { ...o, outcome } : o;
    }),
  };
}

export function agencyStatusLines(shown: AgencyStatusShown): string[] {
  return [
    `${shown.agency.name} (${shown.agency.code})` +
      (shown.closed ? ' (kết quả cuối cùng / final outcome)' : ''),
    ...shown.obligations.map((o) => {
      const state = o.outcome ? outcomeLabel(o.outcome) : o.stage;
      return (
        `  ${o.milestone.padEnd(16)} ${state.padEnd(10)} hạn/due ${o.due}` +
        (o.lateByWorkingDays && !o.outcome ? `  muộn/late ${o.lateByWorkingDays}` : '') +
        (o.submissions.length ? `  biên nhận/receipt ${o.submissions.at(-1)!.receiptNumber}` : '')
      );
    }),
  ];
}
