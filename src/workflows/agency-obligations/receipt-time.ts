// The time of a submission the portal recorded (receipt-time patch): the web server's clock when the form
// arrived, checked against the workflow's clock and mapped to calendar time, so that a worker that was
// down when the agency sent does not make the submission later than it was. Workflow-safe: pure.
import { calendarNow, localDate, localInstant, VIETNAM_OFFSET_MS, type ClockSpec } from '../../cycle/clock';
import { SEND_HOUR } from '../ladder/schedule';
import type { PlannedMilestone } from '../../cycle/plan';
import { RECEIPT_CLOCK_SKEW_MS } from '../obligation-types';
import type { Refusal } from '../refusals';

/** "YYYY-MM-DD HH:mm" in Asia/Ho_Chi_Minh: how a refusal names a time. */
export function localDateTime(instantMs: number): string {
  return `${localDate(instantMs)} ${new Date(instantMs + VIETNAM_OFFSET_MS).toISOString().slice(11, 16)}`;
}

/**
 * The calendar instant the request of a milestone went out: its request day at the send hour, or the
 * workflow's start when that was later (a cycle started after the request day sends the request at once).
 */
export function requestInstant(clock: ClockSpec, plan: PlannedMilestone): number {
  return Math.max(localInstant(plan.requestOn, SEND_HOUR), clock.originMs);
}

/**
 * The calendar instant of a receipt made at wall-clock `receivedAt`, with the workflow's clock at
 * `workflowNowMs`: a receipt up to RECEIPT_CLOCK_SKEW_MS ahead of the workflow's clock is taken as now.
 */
export function receiptInstant(clock: ClockSpec, receivedAt: number, workflowNowMs: number): number {
  return calendarNow(clock, Math.min(receivedAt, workflowNowMs));
}

/** Why a receipt time cannot be the submission's time, or undefined when it can. */
export function receiptTimeProblem(
  clock: ClockSpec,
  plan: PlannedMilestone,
  receivedAt: unknown,
  workflowNowMs: number,
): Refusal | undefined {
  if (typeof receivedAt !== 'number' || !Number.isFinite(receivedAt)) {
    return { code: 'receipt-invalid', values: {}, message: 'receivedAt is not a finite number of ms' };
  }
  if (receivedAt > workflowNowMs + RECEIPT_CLOCK_SKEW_MS) {
    const values = {
      receivedAt: localDateTime(calendarNow(clock, receivedAt)),
      now: localDateTime(calendarNow(clock, workflowNowMs)),
    };
    return {
      code: 'receipt-in-future',
      values,
      message: `the receipt time ${values.receivedAt} is ahead of the workflow's clock (${values.now})`,
    };
  }
  const at = receiptInstant(clock, receivedAt, workflowNowMs);
  const requested = requestInstant(clock, plan);
  if (at < requested) {
    const values = { receivedAt: localDateTime(at), requestedAt: localDateTime(requested) };
    return {
      code: 'receipt-before-request',
      values,
      message: `the receipt time ${values.receivedAt} is before the request went out (${values.requestedAt})`,
    };
  }
  return undefined;
}
