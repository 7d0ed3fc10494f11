// An obligation's outcome and the counts of a set of outcomes: what is owed (waived and cancelled are
// not), on time, late and missing. Pure.
import type { Outcome, RateCounts } from './types';

/** Cycle.summary's outcome string ("on-time", "late:3", "missing", "waived", "cancelled"), parsed. */
export function parseOutcome(text: string): Outcome {
  if (text === 'on-time' || text === 'missing' || text === 'waived' || text === 'cancelled')
    return { kind: text };
  const late = /^late:(\d+)$/.exec(text);
  if (late) return { kind: 'late', days: Number(late[1]) };
  throw new Error(`unknown outcome "${text}" in the cycle summary`);
}

/**
 * The outcome of an obligation row: the one rule behind the stored summary (consolidateCycle in
 * src/activities/cycle.ts), the report and `phoihop cycle status`. Anything submitted counts, on time or
 * late by its working days; waived and cancelled obligations are not owed.
 */
export function outcomeOfObligation(row: {
  status: string;
  submittedAt: Date | null;
  lateByWorkingDays: number | null;
}): Outcome {
  if (row.status === 'waived') return { kind: 'waived' };
  if (row.status === 'cancelled') return { kind: 'cancelled' };
  if (row.submittedAt === null) return { kind: 'missing' };
  if ((row.lateByWorkingDays ?? 0) > 0) return { kind: 'late', days: row.lateByWorkingDays ?? 0 };
  return { kind: 'on-time' };
}

/** Counts and the on-time rate (on time / owed, owed = assigned less waived and cancelled). */
export function rateCounts(outcomes: readonly Outcome[]): RateCounts {
  const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
  const lateDays = outcomes.flatMap((o) => (o.kind === 'late' ? [o.days] : []));
  const waived = count('waived');
  const cancelled = count('cancelled');
  const owed = outcomes.length - waived - cancelled;
  const onTime = count('on-time');
  return {
    assigned: outcomes.length,
    owed,
    onTime,
    late: lateDays.length,
    missing: count('missing'),
    waived,
    cancelled,
    rate: owed > 0 ? onTime / owed : null,
    averageLateDays: lateDays.length > 0 ? lateDays.reduce((a, b) => a + b, 0) / lateDays.length : null,
  };
}

/** The outcome as Cycle.summary stores it: "on-time", "late:<n>", "missing", "waived", "cancelled". */
export function outcomeText(outcome: Outcome): string {
  return outcome.kind === 'late' ? `late:${outcome.days}` : outcome.kind;
}
