// One milestone of an agency's obligations on the shared ladder: the request on its day, reminders,
// overdue, the escalation steps, round after round as the due date moves, and the coordinator's
// reminders on demand, until it is accepted, waived or cancelled, or the cycle closes. Workflow-safe.
import { patched } from '@temporalio/workflow';
import { localInstant } from '../../cycle/clock';
import { runLadder } from '../ladder/run';
import { SEND_HOUR } from '../ladder/schedule';
import { waitUntil } from '../ladder/wait';
import { CLOSED_STAGES } from '../obligation-types';
import { LADDER_STEPS_BY_TIME, type AgencyObligations, type Obligation } from './state';

export function runMilestone(state: AgencyObligations, o: Obligation): Promise<void> {
  const { clock, closesAt } = state;
  const plan = o.plan;
  const version = () => o.version;
  const waitingForAgency = () => !CLOSED_STAGES.includes(o.status.stage) && o.status.stage !== 'submitted';
  return runLadder({
    clock,
    calendar: state.calendar,
    reminders: plan.reminders.map((r) => r.workingDaysBefore),
    escalation: plan.escalation,
    progress: o.ladder,
    version,
    round: () => o.status.round,
    due: () => o.status.due,
    // The first round begins with the request; a later one when the due date moved.
    roundStart: (round) => state.roundStart(o, round),
    horizon: closesAt,
    over: () => CLOSED_STAGES.includes(o.status.stage),
    waiting: waitingForAgency,
    // Submitted: waits for the coordinator's decision (or the end of the cycle). Spent: for the end.
    idle: () => waitUntil(clock, closesAt, version),
    request: {
      at: localInstant(plan.requestOn, SEND_HOUR),
      open: () => state.setStage(o, 'requested'),
      send: () =>
        state.notify(o, 'request', 'request', ['focal_point'], {
          workingDaysLeft: state.workingDaysLeft(o),
        }),
    },
    interject: () => {
      if (o.remindNowRequests > 0) {
        const n = o.remindNowRequests;
        o.remindNowRequests = 0;
        return state.notify(o, 'reminder', `remind-now-${o.version}-${n}`, ['focal_point'], {
          workingDaysLeft: state.workingDaysLeft(o),
        });
      }
      // A reminder to the head or deputy (their link resent): one email each, in the order asked.
      const to = o.remindNowOthers.shift();
      if (!to) return undefined;
      return state.notify(o, 'reminder', `remind-now-${o.version}-${to}`, [to], {
        workingDaysLeft: state.workingDaysLeft(o),
      });
    },
    remind: ({ workingDaysBefore }) =>
      state.notify(o, 'reminder', `remind-${workingDaysBefore}`, ['focal_point'], {
        workingDaysLeft: workingDaysBefore,
      }),
    reminded: () => (o.status.stage === 'requested' ? state.setStage(o, 'reminded') : undefined),
    overdue: () => (waitingForAgency() ? state.setStage(o, 'overdue') : undefined),
    escalate: ({ step: s }) =>
      state.notify(o, s.notice, s.step, s.recipients, { workingDaysLate: s.afterWorkingDays }),
    escalated: ({ step: s, at }, round) => {
      const wasFlagged = o.status.flagged;
      // A submission received before the step's time (handled while it was being sent) wins: it does
      // not count (agency-obligations/state.ts, settleLadder).
      if (!state.countSentStep(o, s, round, at)) return undefined;
      // The agency may have submitted while the notice was being sent: its stage then stands, and the
      // read model still learns that the agency is named in the report.
      if (s.notice === 'escalation' && waitingForAgency() && o.status.round === round) {
        return state.setStage(o, 'escalated');
      }
      return o.status.flagged && !wasFlagged && patched(LADDER_STEPS_BY_TIME)
        ? state.setStage(o, o.status.stage)
        : undefined;
    },
  });
}
