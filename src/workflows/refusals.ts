// The refusals people meet, each a stable code with the values its translation needs. Workflows throw
// them (`refuse`) as non-retryable ApplicationFailures whose `type` is the code and whose first detail is
// the values; the portal, the dashboard and the CLI translate the code through the message catalogs
// (src/i18n/locales). The English message stays in the failure for operators reading the Temporal UI.
// The dashboard's forms refuse with the same codes before asking a workflow (`refusal`). Workflow-safe.
import { ApplicationFailure } from '@temporalio/common';

/** What one value of a refusal is: free text, a number, an ISO date (YYYY-MM-DD), or one of some words. */
type ValueKind = 'text' | 'number' | 'date' | readonly string[];

const FIELDS = ['submittedBy', 'summary', 'by', 'reportedBy', 'conclusion'] as const;
const LONG_FIELDS = ['submittedBy', 'summary', 'conclusion', 'recommendation', 'reason', 'note'] as const;

/** Every refusal code and the kinds of its values. */
export const REFUSALS = {
  // An agency's obligations (agency-obligations.ts, submission-shape.ts).
  'unknown-milestone': { milestone: 'text', owed: 'text' },
  'date-outside-calendar': { date: 'date', years: 'text' },
  'obligation-closed': { milestone: 'text', stage: ['accepted', 'waived', 'cancelled'] },
  'not-open-yet': { milestone: 'text', requestOn: 'date' },
  'already-submitted': { milestone: 'text' },
  'field-required': { field: FIELDS },
  'text-too-long': { field: LONG_FIELDS, limit: 'number' },
  'too-many': { what: ['figures', 'attachments', 'recommendations', 'visits'], limit: 'number' },
  'figure-invalid': { key: 'text' },
  'attachment-invalid': { fileName: 'text' },
  'date-not-after-due': { date: 'date', due: 'date' },
  'reason-required': {},
  'date-not-after-today': { date: 'date', today: 'date' },
  'date-not-after-current': { date: 'date', due: 'date' },
  'no-submission-waiting': { milestone: 'text' },
  'not-requested-yet': { milestone: 'text' },
  'reminder-not-needed': { milestone: 'text' },
  'reminder-recipient-invalid': { to: 'text' },
  // The receipt time the portal recorded (receipt-time patch): local "YYYY-MM-DD HH:mm" times.
  'receipt-invalid': {},
  'receipt-in-future': { receivedAt: 'text', now: 'text' },
  'receipt-before-request': { receivedAt: 'text', requestedAt: 'text' },
  // The year's inspection plan (inspection-plan.ts, inspections/plan.ts).
  'plan-not-proposed-yet': { proposeOn: 'date' },
  'plan-lapsed': {},
  'plan-closed': { stage: ['approved', 'cancelled'] },
  'not-a-list': { field: ['visits', 'recommendations'] },
  'visit-not-eligible': { line: 'number', code: 'text' },
  'visit-twice': { line: 'number', code: 'text' },
  'visit-bad-kind': { line: 'number', code: 'text', kinds: 'text' },
  'visit-not-a-date': { line: 'number', code: 'text', value: 'text' },
  'visit-date-missing': { code: 'text' },
  'visit-too-late': { line: 'number', code: 'text', date: 'date', latest: 'date' },
  'visit-not-working-day': { line: 'number', code: 'text', date: 'date' },
  'visit-too-soon': { line: 'number', code: 'text', date: 'date', earliest: 'date' },
  // An inspection (inspection.ts).
  'no-recommendation': { number: 'number', count: 'number' },
  'inspection-ended': { stage: ['closed', 'cancelled'] },
  'not-a-date': { value: 'text' },
  'date-not-working-day': { date: 'date' },
  'recommendation-due-not-after-today': { recommendation: 'number', date: 'date', today: 'date' },
  'recommendation-due-not-working-day': { recommendation: 'number', date: 'date' },
  'conclusion-already-recorded': { concludedOn: 'date' },
  'before-visit': { visitOn: 'date', today: 'date' },
  'recommendation-text-required': { recommendation: 'number' },
  'recommendation-text-too-long': { recommendation: 'number', limit: 'number' },
  'recommendation-already': { number: 'number', status: ['reported', 'closed'] },
  'recommendation-open': { number: 'number' },
  // Refused by the dashboard before asking a workflow, or because the workflow has ended.
  'date-required': {},
  'recommendation-number-missing': {},
  'workflow-ended': { workflow: ['agency', 'inspection', 'cycle'] },
  // Starting, cancelling and scheduling cycles from the dashboard (cycle-start.ts, cycle-cancel.ts,
  // schedules.ts under src/web/dashboard; src/cycle/start.ts).
  'cycle-already-started': { program: 'text', year: 'number' },
  'program-unknown': { program: 'text' },
  'year-invalid': { value: 'text' },
  'program-version-changed': { program: 'text' },
  'confirm-required': {},
  'cycle-not-running': { status: ['completed', 'cancelled'] },
  'schedule-missing': { program: 'text' },
} as const satisfies Record<string, Record<string, ValueKind>>;

export type RefusalCode = keyof typeof REFUSALS;

type ValueOf<K> = K extends 'number' ? number : K extends readonly (infer W)[] ? W : string;

/** The values a code's translations may use. */
export type RefusalValues<C extends RefusalCode> = {
  -readonly [V in keyof (typeof REFUSALS)[C]]: ValueOf<(typeof REFUSALS)[C][V]>;
};

/** A refusal: its code and values for people, its English message for operators and logs. */
export type Refusal<C extends RefusalCode = RefusalCode> = {
  [K in C]: { code: K; values: RefusalValues<K>; message: string };
}[C];

export function isRefusalCode(code: unknown): code is RefusalCode {
  return typeof code === 'string' && Object.hasOwn(REFUSALS, code);
}

export function refusal<C extends RefusalCode>(
  code: C,
  values: RefusalValues<C>,
  message: string,
): Refusal<C> {
  return { code, values, message } as Refusal<C>;
}

/** Throws the refusal from a workflow (an Update's validator or handler): not retried, not a task failure. */
export function refuse<C extends RefusalCode>(code: C, values: RefusalValues<C>, message: string): never {
  throw refusalFailure(refusal(code, values, message) as Refusal);
}

export function refusalFailure(r: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: r.code,
    message: r.message,
    details: [r.values],
    nonRetryable: true,
  });
}
