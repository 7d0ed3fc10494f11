// A workflow that only runs the shared follow-up ladder (src/workflows/ladder) on one task, for its own
// time-skipping test: registered by that test's worker only. Its `deliver` activity is the test's.
import { defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { IsoDate } from '../../src/calendar/dates';
import { WorkingCalendar, type CalendarData } from '../../src/calendar/working-calendar';
import { calendarNow, localInstant, type ClockSpec } from '../../src/cycle/clock';
import type { RecipientRole } from '../../src/programs/types';
import { sendWithFallback, type SendOutcome } from '../../src/workflows/ladder/fallback';
import { runLadder } from '../../src/workflows/ladder/run';
import { LadderProgress, SEND_HOUR } from '../../src/workflows/ladder/schedule';
import { waitUntil } from '../../src/workflows/ladder/wait';

export interface ProbeInput {
  calendar: CalendarData;
  /** Calendar instant the workflow's start maps to (scale 1). */
  originMs: number;
  requestOn: IsoDate;
  due: IsoDate;
  reminders: number[];
  escalation: { step: string; afterWorkingDays: number; recipients: RecipientRole[] }[];
  closesOn: IsoDate;
}

export interface ProbeStatus {
  stage: string;
  round: number;
  /** "<local date time> <step> → <roles>" of every send, in order. */
  sent: string[];
  notes: string[];
}

export interface ProbeActivities {
  deliver(to: RecipientRole[], step: string): Promise<SendOutcome>;
}

export const probeQuery = defineQuery<ProbeStatus>('probe');
export const receiveUpdate = defineUpdate<void>('receive');
export const moveDueUpdate = defineUpdate<void, [IsoDate]>('moveDue');

const { deliver } = proxyActivities<ProbeActivities>({ startToCloseTimeout: '1m' });

export async function ladderProbe(input: ProbeInput): Promise<ProbeStatus> {
  const clock: ClockSpec = { originMs: input.originMs, scale: 1, startedMs: Date.now() };
  const now = () => calendarNow(clock, Date.now());
  const closesAt = localInstant(input.closesOn, 23, 59);
  const status: ProbeStatus = { stage: 'scheduled', round: 0, sent: [], notes: [] };
  let due = input.due;
  let received = false;
  let version = 0;
  const stage = (next: string) => {
    status.stage = next;
    return Promise.resolve();
  };
  const send = (step: string, to: RecipientRole[]) =>
    sendWithFallback(
      (roles, stepName) => {
        const at = new Date(now() + 7 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
        status.sent.push(`${at} ${stepName} → ${roles.join(',')}`);
        return deliver(roles, stepName);
      },
      to,
      step,
      { note: (line) => status.notes.push(line), noteFallbackRefusals: true },
    );

  setHandler(probeQuery, () => status);
  setHandler(receiveUpdate, async () => {
    received = true;
    version++;
    await stage('received');
  });
  setHandler(moveDueUpdate, async (newDue) => {
    due = newDue;
    status.round++;
    version++;
    await stage('requested');
  });

  await runLadder({
    clock,
    calendar: new WorkingCalendar(input.calendar),
    reminders: input.reminders,
    escalation: input.escalation,
    progress: new LadderProgress(),
    version: () => version,
    round: () => status.round,
    due: () => due,
    roundStart: (round) => (round === 0 ? localInstant(input.requestOn, SEND_HOUR) : now()),
    horizon: closesAt,
    over: () => false,
    waiting: () => !received,
    idle: () => waitUntil(clock, closesAt, () => version),
    request: {
      at: localInstant(input.requestOn, SEND_HOUR),
      open: () => stage('requested'),
      send: () => send('request', ['focal_point']),
    },
    remind: (event, round) => send(`r${round}:${event.id}`, ['focal_point']),
    reminded: () => stage('reminded'),
    overdue: () => stage('overdue'),
    escalate: (event, round) => send(`r${round}:${event.id}`, event.step.recipients),
    escalated: () => stage('escalated'),
  });
  return status;
}
