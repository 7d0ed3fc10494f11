// One recommendation of an inspection on the shared ladder: reminders before its due date and the
// escalation steps after it, round after round as it is reopened, until it is reported (then the
// inspector's decision is awaited), or the follow-up is over. Workflow-safe.
import { condition } from '@temporalio/workflow';
import { runLadder } from '../ladder/run';
import type { Followed, InspectionState } from './state';

export function follow(state: InspectionState, f: Followed): Promise<void> {
  const { input } = state;
  const s = f.status;
  const step = (round: number, id: string) => `rec-${s.number}/r${round}/${id}`;
  return runLadder({
    clock: state.clock,
    calendar: state.calendar,
    reminders: input.reminders,
    escalation: input.escalation,
    progress: f.ladder,
    version: () => f.version,
    round: () => s.round,
    due: () => s.dueOn,
    roundStart: () => state.now(),
    horizon: Infinity,
    over: () => state.followUpOver(),
    waiting: () => s.status === 'open' && state.stage !== 'cancelled',
    // Reported: waiting for the inspector to close it or reopen it. Closed: it may still be reopened
    // while others are open. Spent: it stays open until reported and closed (or cancelled).
    idle: async () => {
      const seen = f.version;
      await condition(() => f.version !== seen || state.followUpOver());
      return false;
    },
    remind: (event, round) =>
      state.notify('recommendation-reminder', step(round, event.id), ['focal_point'], {
        recommendation: s,
        workingDaysLeft: event.workingDaysBefore,
      }),
    escalate: (event, round) =>
      state.notify(
        event.step.notice === 'overdue' ? 'recommendation-overdue' : 'recommendation-escalation',
        step(round, event.id),
        event.step.recipients,
        { recommendation: s, workingDaysLate: event.step.afterWorkingDays },
      ),
    escalated: (event) => {
      s.escalated.push(event.step.step);
      if (event.step.flagForReport) s.flagged = true;
      return undefined;
    },
  });
}
