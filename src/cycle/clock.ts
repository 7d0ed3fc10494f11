// Calendar time for workflows, optionally compressed. Workflow-safe: pure arithmetic on numbers.
//
// Program dates (due dates, reminders) are calendar dates in Asia/Ho_Chi_Minh. In production a workflow
// sleeps until the real instant. For the demo the clock is compressed: `scale` calendar milliseconds
// pass per workflow millisecond, starting from `originMs` (the calendar instant the workflow maps its
// start to), so a year can play out in minutes. Workflow time itself stays Temporal's deterministic time.
import type { IsoDate } from '../calendar/dates';
import { dateParts } from '../calendar/dates';

/** Asia/Ho_Chi_Minh has been UTC+7 all year, without daylight saving, since 1975. */
export const VIETNAM_OFFSET_MS = 7 * 3600_000;

export interface ClockSpec {
  /** Calendar instant (ms since epoch) that corresponds to `startedMs`. */
  originMs: number;
  /** Workflow time (ms since epoch) at which the clock started. */
  startedMs: number;
  /** Calendar milliseconds per workflow millisecond: 1 in production, e.g. 100000 for a demo. */
  scale: number;
}

export function realClock(nowMs: number): ClockSpec {
  return { originMs: nowMs, startedMs: nowMs, scale: 1 };
}

/**
 * Real time a compressed cycle leaves for its fan-out before its calendar reaches the origin: a fixed part
 * (the cycle's own steps, the batches) and a part per agency (a start and a first workflow task each; a
 * fan-out measured about 90 ms an agency on a loaded two-core machine, docs/benchmarks.md).
 */
export const FAN_OUT_ALLOWANCE = { fixedMs: 2_000, perAgencyMs: 100 } as const;

/** The most calendar time a compressed cycle's clock starts before its origin. */
export const MAX_FAN_OUT_LEAD_MS = 60 * 86_400_000;

/**
 * How far before its origin a cycle's calendar starts (calendar ms): in compressed time (scale > 1) the
 * fan-out allowance for `agencyCount` agencies at that scale, at most MAX_FAN_OUT_LEAD_MS, so that every
 * agency is running before the first request is due; 0 in real time, where a fan-out costs seconds.
 */
export function fanOutLeadMs(agencyCount: number, scale: number): number {
  if (scale <= 1) return 0;
  const allowanceMs = FAN_OUT_ALLOWANCE.fixedMs + agencyCount * FAN_OUT_ALLOWANCE.perAgencyMs;
  return Math.min(allowanceMs * scale, MAX_FAN_OUT_LEAD_MS);
}

/**
 * The one clock of a cycle, fixed when the cycle starts (workflow time `nowMs`) and passed to every batch,
 * agency and inspection workflow, so that all of them read the same calendar instant at the same moment.
 * `requested` is the cycle's input: the calendar instant the year begins at and the speed-up (absent: real
 * time from now). The calendar starts `fanOutLeadMs` before that instant.
 */
export function cycleClock(
  requested: { originMs: number; scale: number } | undefined,
  nowMs: number,
  agencyCount: number,
): ClockSpec {
  const scale = requested?.scale ?? 1;
  const originMs = (requested?.originMs ?? nowMs) - fanOutLeadMs(agencyCount, scale);
  return { originMs, scale, startedMs: nowMs };
}

/** The calendar instant at workflow time `nowMs`. */
export function calendarNow(clock: ClockSpec, nowMs: number): number {
  return clock.originMs + (nowMs - clock.startedMs) * clock.scale;
}

/** A clock as the database keeps it (Cycle.clock), or undefined when there is none or it is not one. */
export function storedClock(json: unknown): ClockSpec | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const { originMs, startedMs, scale } = json as Record<string, unknown>;
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return finite(originMs) && finite(startedMs) && finite(scale) && scale > 0
    ? { originMs, startedMs, scale }
    : undefined;
}

/**
 * The calendar instant of a real instant (an email's sending time, an audit event, the present) under a
 * cycle's stored clock: what people are shown, in the cycle's own calendar. Without a clock: the instant.
 */
export function cycleInstant(clock: ClockSpec | undefined, realMs: number): number {
  return clock ? calendarNow(clock, realMs) : realMs;
}

/** How long (workflow milliseconds) to sleep from `nowMs` until calendar instant `targetMs`; 0 if past. */
export function sleepUntil(clock: ClockSpec, nowMs: number, targetMs: number): number {
  return Math.max(0, Math.ceil((targetMs - calendarNow(clock, nowMs)) / clock.scale));
}

/** The instant of a local time of day (Asia/Ho_Chi_Minh) on a date. */
export function localInstant(date: IsoDate, hour = 0, minute = 0): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day, hour, minute) - VIETNAM_OFFSET_MS;
}

/** The local (Asia/Ho_Chi_Minh) calendar date of an instant. */
export function localDate(instantMs: number): IsoDate {
  return new Date(instantMs + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}
