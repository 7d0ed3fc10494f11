// The activity options of every workflow, one constant per kind of activity. Workflow-safe.
//
// A start-to-close timeout is how long the server waits for an attempt's result before it schedules the
// next attempt. It is also how long an attempt whose task or result the server lost (a worker crash, or an
// overloaded server dropping the poll response or the completion: "context deadline exceeded" in its log)
// holds up its workflow. So each kind gets a timeout a few times its slowest expected attempt, not a
// blanket one: a read-model write takes milliseconds, an email a second, a report a minute. Changing these
// does not change a workflow's commands (the server compares an activity's type and arguments, not its
// options): running workflows take the new values for the activities they schedule next.
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Read-model and audit writes of one agency or inspection (recordObligation, recordSubmission,
 * recordAudit, recordInspection, recordRecommendation): one to three statements each, milliseconds even
 * under a 10,000-agency fan-out (docs/benchmarks.md). The timeout leaves room for SQLite's busy timeout (a
 * write waiting for another process's lock: src/db/client.ts) and a slow disk; retries come quickly, since
 * every one of these writes is idempotent.
 */
export const RECORD_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
  },
};

/**
 * Emails to an agency, inspection or coordinators (notifyObligation, notifyInspection,
 * notifyInspectionPlanProposed), on the rate-limited mail queue. The timeout covers an SMTP server slow to
 * answer; it matches the notification log's claim lease (src/activities/notification-log.ts), after which a
 * retry may send what an attempt that was cut off did not.
 */
export const EMAIL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    nonRetryableErrorTypes: ['PermanentEmailFailure'],
  },
};

/** The consolidated report: built from the whole cycle (DOCX, PDF, XLSX), stored and emailed. */
export const REPORT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5m',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    nonRetryableErrorTypes: ['ReportRefused'],
  },
};

/**
 * Work over a whole cycle or a slice of its directory (prepareCycle, loadCycleAgencies, consolidateCycle,
 * the inspection plan's candidates and agencies): thousands of rows read or written in one attempt.
 */
export const CYCLE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: ['CycleRefused', 'InspectionPlanRefused'],
  },
};
