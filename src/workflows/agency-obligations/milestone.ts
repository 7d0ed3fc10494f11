// One milestone of an agency's obligations on the shared ladder: the request on its day, reminders,
// overdue, the escalation steps, round after round as the due date moves, and the coordinator's
// reminders on demand, until it is accepted, waived or cancelled, or the cycle closes. Workflow-safe.
import { localInstant } from '../../cycle/clock';
import { runLadder } from '../ladder/run';
import { SEND_HOUR } from '../ladder/schedule';
import { waitUntil } from '../ladder/wait';
import { CLOSED_STAGES } from '../obligation-types';
import type { AgencyObligations, Obligation } from './state';

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
    roundStart: (round) => (round === 0 ? localInstant(plan.requestOn, SEND_HOUR) : state.now()),
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
      if (o.remindNowRequests === 0) return undefined;
      const n = o.remindNowRequests;
      o.remindNowRequests = 0;
      return state.notify(o, 'reminder', `remind-now-${o.version}-${n}`, ['focal_point'], {
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
    escalated: ({ step: s }, round) => {
      o.status.escalated.push(s.step);
      if (s.flagForReport) o.status.flagged = true;
      // The agency may have submitted while the notice was being sent: its stage then stands.
      return s.notice === 'escalation' && waitingForAgency() && o.status.round === round
        ? state.setStage(o, 'escalated')
        : undefined;
    },
  });
}
