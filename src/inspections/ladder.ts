// The follow-up ladder of one dated task, as events in calendar time: reminders before the due date, the
// end of the due day, and each escalation step after it. Pure and workflow-safe.
import { addDays, type IsoDate } from '../calendar/dates';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { localInstant } from '../cycle/clock';
import type { PlannedMilestone } from '../cycle/plan';
import type { LadderStep } from './types';

export type LadderEvent =
  | { id: string; kind: 'reminder'; at: number; workingDaysBefore: number }
  | { id: string; kind: 'due'; at: number }
  | { id: string; kind: 'escalation'; at: number; step: LadderStep };

/**
 * The events of a task due on `due`, in time order: a reminder `r` working days before (the due day
 * itself for 0) at `sendHour`, the end of the due day, and each step `afterWorkingDays` after the due date
 * at `sendHour` (local time).
 */
export function ladderEvents(
  calendar: WorkingCalendar,
  due: IsoDate,
  reminders: readonly number[],
  escalation: readonly LadderStep[],
  sendHour: number,
): LadderEvent[] {
  const events: LadderEvent[] = [
    ...reminders.map((r) => ({
      id: `remind-${r}`,
      kind: 'reminder' as const,
      at: localInstant(r === 0 ? due : calendar.addWorkingDays(due, -r), sendHour),
      workingDaysBefore: r,
    })),
    { id: 'due', kind: 'due' as const, at: localInstant(addDays(due, 1), 0) },
    ...escalation.map((step) => ({
      id: step.step,
      kind: 'escalation' as const,
      at: localInstant(calendar.addWorkingDays(due, step.afterWorkingDays), sendHour),
      step,
    })),
  ];
  return events.sort((a, b) => a.at - b.at);
}

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
