// The programs' yearly Schedules on the Temporal server: create or update them from programs/, and the
// operator's actions on them (pause, unpause, trigger, backfill), by program code.
import { createHash } from 'node:crypto';
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import { UsageError } from '../config/usage-error';
import type { LoadedProgram } from '../programs/load';
import type { ProgramDefinition } from '../programs/types';
import { scheduledCycleStart } from '../workflows/scheduled-cycle-start';
import {
  FIRE_HOUR,
  SCHEDULE_TIME_ZONE,
  describeRule,
  fireInstant,
  fireMonthDay,
  programOfSchedule,
  scheduleId,
  scheduledRunWorkflowId,
} from './timing';

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;

/**
 * How late a missed fire is still taken when the Temporal server was down at the time (e.g. over the New
 * Year holidays): a month, after which the operator decides (`schedule backfill --year`).
 */
export const CATCHUP_WINDOW_MS = 31 * 24 * 3600_000;

/** Memo key on the scheduled action holding the fingerprint of what `sync` last wrote. */
const FINGERPRINT = 'phoihopScheduleVersion';

type DesiredSchedule = Omit<ScheduleOptions, 'scheduleId' | 'memo' | 'state'>;

/**
 * The workflow a schedule starts, by its type name (the function's name, as the worker registers it): a
 * string, because the fingerprint is computed over the action as JSON and the server answers with the name.
 */
export const SCHEDULED_WORKFLOW_TYPE = scheduledCycleStart.name;

/** The schedule a program should have: yearly on its earliest start date, at midnight local time. */
export function desiredSchedule(program: ProgramDefinition, taskQueue: string): DesiredSchedule {
  const { month, day } = fireMonthDay(program.cycle.start);
  const args: Parameters<typeof scheduledCycleStart> = [{ program: program.code }];
  const shape = {
    spec: {
      calendars: [
        {
          month: MONTHS[month - 1]!,
          dayOfMonth: day,
          hour: FIRE_HOUR,
          minute: 0,
          second: 0,
          comment: `cycle start: ${describeRule(program.cycle.start)}`,
        },
      ],
      timezone: SCHEDULE_TIME_ZONE,
    },
    action: {
      type: 'startWorkflow' as const,
      workflowType: SCHEDULED_WORKFLOW_TYPE,
      workflowId: scheduledRunWorkflowId(program.code),
      taskQueue,
      args,
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: CATCHUP_WINDOW_MS,
      pauseOnFailure: false,
    },
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
  return { ...shape, action: { ...shape.action, memo: { [FINGERPRINT]: fingerprint } } };
}

export type SyncChange = 'created' | 'updated' | 'unchanged';

export interface SyncResult {
  program: string;
  scheduleId: string;
  change: SyncChange;
  /** The rule in words and the date the schedule fires on (MM-DD, local midnight). */
  rule: string;
  firesOn: string;
}

/**
 * Creates or updates the schedule of every program; a schedule that already matches is left alone, and
 * an update keeps its paused state and note. Returns what changed, plus our schedules whose program is no
 * longer in programs/ (left as they are: deleting one is the operator's decision).
 */
export async function syncSchedules(
  client: Client,
  taskQueue: string,
  programs: LoadedProgram[],
): Promise<{ results: SyncResult[]; orphans: string[] }> {
  const results: SyncResult[] = [];
  for (const { definition } of programs) {
    const id = scheduleId(definition.code);
    const desired = desiredSchedule(definition, taskQueue);
    const { month, day } = fireMonthDay(definition.cycle.start);
    const base = {
      program: definition.code,
      scheduleId: id,
      rule: describeRule(definition.cycle.start),
      firesOn: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    };
    const current = await describeOrUndefined(client, id);
    if (!current) {
      await client.schedule.create({
        scheduleId: id,
        ...desired,
        memo: { program: definition.code },
        state: { note: 'created by `phoihop schedule sync`' },
      });
      results.push({ ...base, change: 'created' });
    } else if (matches(current, desired)) {
      results.push({ ...base, change: 'unchanged' });
    } else {
      await client.schedule.getHandle(id).update((previous) => ({
        ...desired,
        state: { paused: previous.state.paused, note: previous.state.note },
      }));
      results.push({ ...base, change: 'updated' });
    }
  }
  const known = new Set(programs.map((p) => scheduleId(p.definition.code)));
  const orphans: string[] = [];
  for await (const summary of client.schedule.list()) {
    if (programOfSchedule(summary.scheduleId) !== undefined && !known.has(summary.scheduleId)) {
      orphans.push(summary.scheduleId);
    }
  }
  return { results, orphans: orphans.sort() };
}

/**
 * Whether the schedule on the server is the one `sync` would write: same version of our definition (the
 * fingerprint on the action) and nothing edited by hand since (in the UI or with the Temporal CLI).
 */
function matches(current: ScheduleDescription, desired: DesiredSchedule): boolean {
  return (
    current.action.workflowType === desired.action.workflowType &&
    current.action.taskQueue === desired.action.taskQueue &&
    current.action.memo?.[FINGERPRINT] === desired.action.memo?.[FINGERPRINT] &&
    current.policies.overlap === desired.policies?.overlap &&
    current.policies.catchupWindow === desired.policies?.catchupWindow &&
    whenOf(current.spec) === whenOf(desired.spec)
  );
}

/** A calendar field as text, the same for what we write (15, 'JANUARY') and what the server returns (ranges). */
function rangeText(value: unknown): string {
  if (value === undefined) return '*';
  if (!Array.isArray(value)) return typeof value === 'object' ? rangeText([value]) : String(value as string);
  return (value as { start: unknown; end?: unknown }[])
    .map((r) =>
      r.end === undefined || r.end === r.start ? String(r.start) : `${String(r.start)}-${String(r.end)}`,
    )
    .join(',');
}

/** When a spec fires, as comparable text: "JANUARY 15 0:0:0 Asia/Ho_Chi_Minh" (plus any other kind of rule). */
function whenOf(spec: ScheduleDescription['spec'] | DesiredSchedule['spec']): string {
  const calendars = (spec.calendars ?? []) as Record<string, unknown>[];
  const others =
    (spec.intervals?.length ?? 0) + ('cronExpressions' in spec ? (spec.cronExpressions?.length ?? 0) : 0);
  return [
    ...calendars.map((c) =>
      [
        rangeText(c.month),
        rangeText(c.dayOfMonth),
        `${rangeText(c.hour)}:${rangeText(c.minute)}:${rangeText(c.second)}`,
      ].join(' '),
    ),
    spec.timezone ?? 'UTC',
    others ? `and ${others} other rules` : '',
  ].join(' ');
}

async function describeOrUndefined(client: Client, id: string): Promise<ScheduleDescription | undefined> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

/** A program's schedule as operators see it. */
export interface ScheduleState {
  program: string;
  scheduleId: string;
  paused: boolean;
  note?: string;
  nextFires: string[];
  recent: { scheduledAt: string; workflowId: string }[];
  running: string[];
}

/** Our schedules (one per program), sorted by ID, each described. */
export async function listSchedules(client: Client): Promise<ScheduleState[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) {
    if (programOfSchedule(summary.scheduleId) !== undefined) ids.push(summary.scheduleId);
  }
  const states: ScheduleState[] = [];
  for (const id of ids.sort()) {
    const d = await describeOrUndefined(client, id);
    if (d) states.push(stateOf(d));
  }
  return states;
}

/** One program's schedule, described; an unknown one is refused with what to do. */
export async function scheduleState(client: Client, program: string): Promise<ScheduleState> {
  return stateOf(await describe(client, program));
}

function stateOf(d: ScheduleDescription): ScheduleState {
  return {
    program: programOfSchedule(d.scheduleId) ?? d.scheduleId,
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    nextFires: d.info.nextActionTimes.map((t) => t.toISOString()),
    recent: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
  };
}

async function describe(client: Client, program: string): Promise<ScheduleDescription> {
  const d = await describeOrUndefined(client, scheduleId(program));
  if (!d) {
    throw new UsageError(
      `no schedule ${scheduleId(program)} on the Temporal server; create it with \`phoihop schedule sync\``,
    );
  }
  return d;
}

/** Pauses (no fire is taken until unpaused) or unpauses a program's schedule; the note says why. */
export async function setSchedulePaused(
  client: Client,
  program: string,
  paused: boolean,
  note: string,
): Promise<void> {
  await describe(client, program);
  const handle = client.schedule.getHandle(scheduleId(program));
  await (paused ? handle.pause(note) : handle.unpause(note));
}

/**
 * Fires the schedule now: the current year's cycle starts on its first day, at once when that day has
 * passed, or not at all when it is already there. ALLOW_ALL so that a run still waiting for this year's
 * first day does not swallow the trigger (the two then meet at the cycle's workflow ID: one cycle).
 */
export async function triggerSchedule(client: Client, program: string): Promise<void> {
  await describe(client, program);
  await client.schedule.getHandle(scheduleId(program)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}

/**
 * Takes the action the schedule would have taken in `year` (a year whose fire date has passed): that
 * year's cycle starts at once unless it is already there.
 */
export async function backfillSchedule(
  client: Client,
  program: ProgramDefinition,
  year: number,
  nowMs: number,
): Promise<{ scheduledAt: string }> {
  if (!Number.isInteger(year) || year < 2000 || year > 2099) {
    throw new UsageError(`--year ${year}: expected a year from 2000 to 2099`);
  }
  await describe(client, program.code);
  const at = fireInstant(program.cycle.start, year);
  if (at > nowMs) {
    throw new UsageError(
      `the ${year} fire of ${scheduleId(program.code)} (${new Date(at).toISOString()}) has not come yet: ` +
        'the schedule will take it; to start now use `phoihop schedule trigger` or `phoihop cycle start`',
    );
  }
  await client.schedule.getHandle(scheduleId(program.code)).backfill({
    start: new Date(at - 60_000),
    end: new Date(at + 60_000),
    overlap: ScheduleOverlapPolicy.ALLOW_ALL,
  });
  return { scheduledAt: new Date(at).toISOString() };
}
