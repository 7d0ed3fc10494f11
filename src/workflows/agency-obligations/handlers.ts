// The Updates of the agencyObligations workflow: each one's validator (refuses before anything is written
// to the history) and handler, on the workflow's state. The workflow sets them on their definitions.
// Workflow-safe.
import { compareIsoDates, type IsoDate } from '../../calendar/dates';
import { log, patched } from '@temporalio/workflow';
import { localDate } from '../../cycle/clock';
import {
  CLOSED_STAGES,
  CONTACT_ROLES_FOR_REMINDER,
  DEFAULT_REVISION_WORKING_DAYS,
  type CoordinatorActionBase,
  type RemindNowInput,
  type ExtendInput,
  type ExtensionRequestInput,
  type ReturnInput,
  type SubmitInput,
  type SubmitResult,
  type WaiveInput,
} from '../obligation-types';
import { refuse, refusalFailure } from '../refusals';
import { mailActivities, recordActivities } from '../ladder/activities';
import { submissionShapeProblem } from '../submission-shape';
import { updateHandler } from '../update-handler';
import { receiptInstant, receiptTimeProblem } from './receipt-time';
import { SUBMIT_ANSWERS_ON_RECORD, type AgencyObligations, type Obligation } from './state';

const { recordSubmission, recordAudit } = recordActivities();

/** A receipt number as the portal writes it (and the page's `?receipt=` accepts). */
const RECEIPT_NUMBER = /^[\w.-]{1,200}$/;

export function obligationHandlers(state: AgencyObligations) {
  const { input, calendar, obligations, workflowId } = state;
  // Emails go through the rate-limited mail queue (task-queues.ts).
  const mail = mailActivities();
  const now = () => state.now();
  const today = () => state.today();
  const lateness: AgencyObligations['lateness'] = (o, at) => state.lateness(o, at);
  const setStage: AgencyObligations['setStage'] = (o, stage) => state.setStage(o, stage);
  const notify: AgencyObligations['notify'] = (...args) => state.notify(...args);

  function obligation(milestone: string): Obligation {
    const o = obligations.get(milestone);
    if (!o) {
      const owed = [...obligations.keys()].join(', ');
      refuse(
        'unknown-milestone',
        { milestone, owed },
        `${input.agency.code} owes no milestone "${milestone}" in ${input.program} ${input.year}; ` +
          `it owes: ${owed}`,
      );
    }
    return o;
  }

  /** Refuses a date the working calendar does not cover (the handler would fail its workflow task). */
  function requireCovered(date: IsoDate, what: string): void {
    if (!calendar.covers(date)) {
      const years = calendar.coveredYears.join(', ');
      refuse(
        'date-outside-calendar',
        { date, years },
        `${what} ${date} is outside the working calendar (${years})`,
      );
    }
  }

  function requireOpen(o: Obligation, action: string): void {
    if (CLOSED_STAGES.includes(o.status.stage)) {
      refuse(
        'obligation-closed',
        { milestone: o.plan.key, stage: o.status.stage as 'accepted' | 'waived' | 'cancelled' },
        `"${o.plan.key}" is already ${o.status.stage}: cannot ${action}`,
      );
    }
  }

  function notAfterToday(date: IsoDate): never {
    refuse(
      'date-not-after-today',
      { date, today: today() },
      `the new due date ${date} is not after today (${today()})`,
    );
  }

  function noSubmissionWaiting(milestone: string): never {
    refuse('no-submission-waiting', { milestone }, `"${milestone}" has no submission waiting for review`);
  }

  const submit = updateHandler<SubmitResult, [SubmitInput]>(
    async ({ milestone, submittedBy, summary, figures, attachments, receivedAt, receiptNumber: given }) => {
      const o = obligation(milestone);
      // The portal's receipt (its number and time) is the submission's; histories recorded before the
      // patch number it here and take the time the workflow handles it.
      const receipt = patched('receipt-time');
      if (receipt && given !== undefined) {
        // The same receipt delivered again under another Update ID (Temporal deduplicates only the same
        // ID): the answer it had, not a second submission.
        const known = o.status.submissions.find((s) => s.receiptNumber === given);
        if (known) return { receiptNumber: given, lateByWorkingDays: lateness(o, known.at) };
      }
      const receiptNumber = receipt && given !== undefined ? given : nextReceiptNumber(o, milestone, receipt);
      const at =
        receipt && receivedAt !== undefined ? receiptInstant(state.clock, receivedAt, Date.now()) : now();
      const lateByWorkingDays = lateness(o, at);
      o.status.submissions.push({
        receiptNumber,
        at,
        submittedBy,
        summary,
        round: o.status.round,
        ...(figures && Object.keys(figures).length > 0 ? { figures } : {}),
        ...(attachments?.length ? { attachments: attachments.map((a) => a.fileName) } : {}),
      });
      // At once, before any await: the milestone's loop must not send another reminder or escalation.
      o.status.stage = 'submitted';
      o.version++;
      // The steps due by the receipt count as reached; their unsent emails are not sent (state.ts).
      const settling = state.settleLadder(o, 'submission');
      if (settling) await settling;
      await recordSubmission({
        cycleId: input.cycleId,
        agencyCode: input.agency.code,
        milestone,
        receiptNumber,
        at,
        submittedBy,
        summary,
        figures,
        attachments,
      });
      await setStage(o, 'submitted');
      const step = `received-${o.status.submissions.length}`;
      const receiptEmail = () =>
        notify(o, 'received', step, ['focal_point'], { receiptNumber, submittedOn: localDate(at) });
      if (patched(SUBMIT_ANSWERS_ON_RECORD)) {
        // Recorded: the agency has its answer now; the receipt email waits its turn on the rate-limited
        // mail queue (exactly once, by the notification log) without holding the Update.
        o.receiptSending = state.inBackground(o, step, receiptEmail());
      } else {
        await receiptEmail();
      }
      return { receiptNumber, lateByWorkingDays };
    },
    {
      validator: ({ milestone, submittedBy, summary, figures, attachments, receivedAt, receiptNumber }) => {
        const o = obligation(milestone);
        // A receipt already taken (delivered again) is answered by the handler, not refused.
        if (
          receiptNumber !== undefined &&
          o.status.submissions.some((s) => s.receiptNumber === receiptNumber)
        )
          return;
        requireOpen(o, 'submit');
        if (o.status.stage === 'scheduled') {
          refuse(
            'not-open-yet',
            { milestone, requestOn: o.plan.requestOn },
            `"${milestone}" is not open yet: the request goes out on ${o.plan.requestOn}`,
          );
        }
        if (o.status.stage === 'submitted') {
          refuse(
            'already-submitted',
            { milestone },
            `"${milestone}" was already submitted and is waiting for review`,
          );
        }
        if (!submittedBy?.trim())
          refuse('field-required', { field: 'submittedBy' }, 'submittedBy is required');
        if (!summary?.trim()) refuse('field-required', { field: 'summary' }, 'summary is required');
        const problem = submissionShapeProblem({ submittedBy, summary, figures, attachments });
        if (problem) throw refusalFailure(problem);
        if (receiptNumber !== undefined && !RECEIPT_NUMBER.test(receiptNumber))
          refuse('receipt-invalid', {}, `the receipt number ${receiptNumber} is malformed`);
        if (receivedAt !== undefined) {
          const late = receiptTimeProblem(state.clock, o.plan, receivedAt, Date.now());
          if (late) throw refusalFailure(late);
        }
      },
    },
  );

  /**
   * The receipt number of a submission the workflow numbers itself (a client that gives none): one past the
   * highest n already used, so that it never repeats a number the portal gave (a refused receipt leaves a
   * gap). Histories recorded before the patch count the submissions.
   */
  function nextReceiptNumber(o: Obligation, milestone: string, receipt: boolean): string {
    const prefix = `${input.year}-${input.agency.code}-${milestone}-`;
    let n = o.status.submissions.length + 1;
    if (receipt) {
      for (const s of o.status.submissions) {
        const used = s.receiptNumber.startsWith(prefix) ? Number(s.receiptNumber.slice(prefix.length)) : 0;
        if (Number.isInteger(used) && used >= n) n = used + 1;
      }
    }
    return `${prefix}${n}`;
  }

  const requestExtension = updateHandler<string, [ExtensionRequestInput]>(
    async ({ milestone, until, reason, requestedBy }) => {
      const o = obligation(milestone);
      o.status.notes.push(`extension requested by ${requestedBy} until ${until}: ${reason}`);
      await recordAudit({
        actor: `agency:${input.agency.code}`,
        action: 'obligation.request-extension',
        subject: `${workflowId}:${milestone}`,
        details: { until, reason, requestedBy, due: o.status.due },
      });
      if (patched('extension-request-email')) {
        // The program's coordinators are told, once each (notification log). The answer to the agency does
        // not wait for the email on the rate-limited mail queue; the workflow lives until the cycle closes.
        const sequence = o.status.notes.filter((n) => n.startsWith('extension requested by ')).length;
        void mail
          .notifyExtensionRequested({
            workflowId,
            cycleId: input.cycleId,
            programVersionId: input.programVersionId,
            year: input.year,
            agency: { code: input.agency.code, name: input.agency.name },
            milestone,
            round: o.status.round,
            sequence,
            due: o.status.due,
            until,
            reason,
            requestedBy,
          })
          .then(
            (sent) => {
              for (const failure of sent.undeliverable)
                log.warn('a coordinator was not told of an extension request', { failure });
            },
            (err: unknown) => log.error('the coordinators were not told of an extension request', { err }),
          );
      }
      return 'extension request recorded; the coordinator decides';
    },
    {
      validator: ({ milestone, until, reason }) => {
        const o = obligation(milestone);
        requireOpen(o, 'request an extension');
        if (compareIsoDates(until, o.status.due) <= 0) {
          refuse(
            'date-not-after-due',
            { date: until, due: o.status.due },
            `the requested date ${until} is not after the current due date ${o.status.due}`,
          );
        }
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  const extend = updateHandler<IsoDate, [ExtendInput]>(
    async ({ milestone, until, by, reason }) => {
      const o = obligation(milestone);
      const due = calendar.nextWorkingDayOnOrAfter(until);
      o.status.due = due;
      o.status.round++;
      o.status.notes.push(`extended to ${due} by ${by}: ${reason}`);
      o.version++;
      await setStage(o, o.status.stage === 'scheduled' ? 'scheduled' : 'requested');
      return due;
    },
    {
      validator: ({ milestone, until, reason }) => {
        const o = obligation(milestone);
        requireOpen(o, 'extend');
        requireCovered(until, 'the new due date');
        if (compareIsoDates(until, today()) <= 0) notAfterToday(until);
        if (compareIsoDates(until, o.status.due) <= 0) {
          refuse(
            'date-not-after-current',
            { date: until, due: o.status.due },
            `the new due date ${until} is not after the current one (${o.status.due})`,
          );
        }
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  const returnForRevision = updateHandler<IsoDate, [ReturnInput]>(
    async ({ milestone, until, reason, by }) => {
      const o = obligation(milestone);
      const due = calendar.nextWorkingDayOnOrAfter(
        until ?? calendar.addWorkingDays(today(), DEFAULT_REVISION_WORKING_DAYS),
      );
      o.status.due = due;
      o.status.round++;
      o.status.notes.push(`returned by ${by}, new due date ${due}: ${reason}`);
      o.version++;
      await setStage(o, 'returned');
      const last = o.status.submissions.at(-1)!;
      if (o.receiptSending) await o.receiptSending; // the receipt first (SUBMIT_ANSWERS_ON_RECORD)
      await notify(o, 'returned', 'returned', ['focal_point'], {
        reason,
        receiptNumber: last.receiptNumber,
        submittedOn: localDate(last.at),
      });
      return due;
    },
    {
      validator: ({ milestone, until, reason }) => {
        const o = obligation(milestone);
        requireOpen(o, 'return for revision');
        if (o.status.stage !== 'submitted') noSubmissionWaiting(milestone);
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
        if (until !== undefined) requireCovered(until, 'the new due date');
        else requireCovered(today(), 'today');
        if (until !== undefined && compareIsoDates(until, today()) <= 0) notAfterToday(until);
      },
    },
  );

  const accept = updateHandler<void, [CoordinatorActionBase]>(
    async ({ milestone, by }) => {
      const o = obligation(milestone);
      const last = o.status.submissions.at(-1)!;
      const late = lateness(o, last.at);
      if (late > 0) o.status.lateByWorkingDays = late;
      o.status.notes.push(`accepted by ${by}`);
      o.version++;
      await setStage(o, 'accepted');
      if (o.receiptSending) await o.receiptSending; // the receipt first (SUBMIT_ANSWERS_ON_RECORD)
      await notify(o, 'accepted', 'accepted', ['focal_point'], {
        receiptNumber: last.receiptNumber,
        submittedOn: localDate(last.at),
      });
    },
    {
      validator: ({ milestone }) => {
        const o = obligation(milestone);
        requireOpen(o, 'accept');
        if (o.status.stage !== 'submitted') noSubmissionWaiting(milestone);
      },
    },
  );

  const waive = updateHandler<void, [WaiveInput]>(
    async ({ milestone, by, reason }) => {
      const o = obligation(milestone);
      // The steps due by now count as reached, their unsent emails are not sent (state.ts).
      const settling = state.settleLadder(o, 'waiver');
      o.status.notes.push(`waived by ${by}: ${reason}`);
      o.version++;
      if (settling) await settling;
      await setStage(o, 'waived');
    },
    {
      validator: ({ milestone, reason }) => {
        requireOpen(obligation(milestone), 'waive');
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  const remindNow = updateHandler<void, [RemindNowInput]>(
    async ({ milestone, to }) => {
      const o = obligation(milestone);
      if (to && to !== 'focal_point') o.remindNowOthers.push(to);
      else o.remindNowRequests++;
      o.version++;
    },
    {
      validator: ({ milestone, to }) => {
        if (to !== undefined && !(CONTACT_ROLES_FOR_REMINDER as readonly string[]).includes(to)) {
          refuse(
            'reminder-recipient-invalid',
            { to: String(to) },
            `"${String(to)}" is not an agency contact role`,
          );
        }
        const o = obligation(milestone);
        requireOpen(o, 'remind');
        if (o.status.stage === 'scheduled') {
          refuse('not-requested-yet', { milestone }, `"${milestone}" has not been requested yet`);
        }
        if (o.status.stage === 'submitted') {
          refuse(
            'reminder-not-needed',
            { milestone },
            `"${milestone}" was submitted and is waiting for review`,
          );
        }
      },
    },
  );

  return {
    submit,
    requestExtension,
    extend,
    returnForRevision,
    accept,
    waive,
    remindNow,
  };
}
