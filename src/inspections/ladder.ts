// An inspection's follow-up ladder, taken from the program's inspection milestone (the ladder itself runs
// in src/workflows/ladder). Pure and workflow-safe.
import type { PlannedMilestone } from '../cycle/plan';
import type { LadderStep } from './types';

/** An inspection's reminders and escalation ladder, from the program's inspection milestone as planned. */
export function inspectionLadder(milestone: Pick<PlannedMilestone, 'reminders' | 'escalation'>): {
  reminders: number[];
  escalation: LadderStep[];
} {
  return {
    reminders: milestone.reminders.map((r) => r.workingDaysBefore),
    escalation: milestone.escalation.map(({ step, afterWorkingDays, recipients, notice, flagForReport }) => ({
      step,
      afterWorkingDays,
      recipients,
      notice,
      flagForReport,
    })),
  };
}
