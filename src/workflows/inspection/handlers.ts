// The Updates of the inspection workflow: each one's validator (refuses before anything is written to the
// history) and handler, on the workflow's state. The workflow sets them on their definitions.
// Workflow-safe.
import { compareIsoDates, isIsoDate, type IsoDate } from '../../calendar/dates';
import {
  INSPECTION_LIMITS,
  type CancelInspectionInput,
  type CloseRecommendationInput,
  type RecommendationStatus,
  type RecordConclusionInput,
  type ReopenRecommendationInput,
  type ReportRecommendationInput,
} from '../../inspections/types';
import { recordActivities } from '../ladder/activities';
import { LadderProgress } from '../ladder/schedule';
import { refuse, refusalFailure } from '../refusals';
import { submissionShapeProblem } from '../submission-shape';
import { updateHandler } from '../update-handler';
import { copy, type Followed, type InspectionState } from './state';

const { recordAudit } = recordActivities();

export function inspectionHandlers(state: InspectionState) {
  const { input, calendar, followed, notes, workflowId } = state;
  const now = () => state.now();
  const today = () => state.today();
  const saveRecommendation: InspectionState['saveRecommendation'] = (f, evidence) =>
    state.saveRecommendation(f, evidence);
  const notify: InspectionState['notify'] = (...args) => state.notify(...args);

  function recommendation(n: number): Followed {
    const f = followed.find((x) => x.status.number === n);
    if (!f) {
      refuse(
        'no-recommendation',
        { number: n, count: followed.length },
        followed.length === 0
          ? `no recommendation ${n}: no conclusion has been recorded yet`
          : `no recommendation ${n}: the conclusion has ${followed.length} (1 to ${followed.length})`,
      );
    }
    return f;
  }

  function requireActive(action: string): void {
    const { stage } = state;
    if (stage === 'cancelled' || stage === 'closed') {
      refuse('inspection-ended', { stage }, `the inspection is ${stage}: cannot ${action}`);
    }
  }

  /** Refuses a due date that is not a working day after today; `recommendation` is its line on the form. */
  function checkDueDate(dueOn: unknown, what: string, recommendation?: number): void {
    if (!isIsoDate(dueOn)) {
      refuse(
        'not-a-date',
        { value: String(dueOn) },
        `${what}: ${JSON.stringify(dueOn)} is not a date written YYYY-MM-DD`,
      );
    }
    const message = (problem: string) => `${what}: ${dueOn} ${problem}`;
    if (compareIsoDates(dueOn, today()) <= 0) {
      const values = { date: dueOn, today: today() };
      const notAfter = message(`is not after today (${today()})`);
      if (recommendation === undefined) refuse('date-not-after-today', values, notAfter);
      refuse('recommendation-due-not-after-today', { recommendation, ...values }, notAfter);
    }
    if (!calendar.isWorkingDay(dueOn)) {
      const notWorking = message('is not a working day');
      if (recommendation === undefined) refuse('date-not-working-day', { date: dueOn }, notWorking);
      refuse('recommendation-due-not-working-day', { recommendation, date: dueOn }, notWorking);
    }
  }

  const recordConclusion = updateHandler<RecommendationStatus[], [RecordConclusionInput]>(
    async ({ conclusion: text, recommendations, by }) => {
      const day = today();
      const defaultDue = calendar.addWorkingDays(
        calendar.nextWorkingDayOnOrAfter(day),
        input.remedyWorkingDays,
      );
      state.conclusion = text.trim();
      state.concludedOn = day;
      state.concludedAt = now();
      recommendations.forEach((r, i) => {
        const dueOn = r.dueOn ?? defaultDue;
        followed.push({
          version: 0,
          ladder: new LadderProgress(),
          status: {
            number: i + 1,
            text: r.text.trim(),
            dueOn,
            originalDueOn: dueOn,
            status: 'open',
            round: 0,
            reports: [],
            escalated: [],
            flagged: false,
            notes: [],
          },
        });
      });
      state.version++;
      await state.setStage(followed.length > 0 ? 'concluded' : 'closed');
      for (const f of followed) await saveRecommendation(f);
      await recordAudit({
        actor: by,
        action: 'inspection.conclude',
        subject: workflowId,
        details: {
          recommendations: followed.map((f) => ({ number: f.status.number, dueOn: f.status.dueOn })),
        },
      });
      return followed.map((f) => copy(f.status));
    },
    {
      validator: ({ conclusion: text, recommendations, by }) => {
        const { conclusion, concludedOn } = state;
        requireActive('record a conclusion');
        if (conclusion !== undefined) {
          refuse(
            'conclusion-already-recorded',
            { concludedOn: concludedOn! },
            `the conclusion was already recorded on ${concludedOn}`,
          );
        }
        if (compareIsoDates(today(), input.visitOn) < 0) {
          refuse(
            'before-visit',
            { visitOn: input.visitOn, today: today() },
            `the visit is on ${input.visitOn}: no conclusion before it (today is ${today()})`,
          );
        }
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
        if (typeof text !== 'string' || !text.trim()) {
          refuse('field-required', { field: 'conclusion' }, 'the conclusion text is required');
        }
        if (text.length > INSPECTION_LIMITS.conclusion) {
          const limit = INSPECTION_LIMITS.conclusion;
          refuse(
            'text-too-long',
            { field: 'conclusion', limit },
            `the conclusion is longer than ${limit} characters`,
          );
        }
        if (!Array.isArray(recommendations)) {
          refuse(
            'not-a-list',
            { field: 'recommendations' },
            'recommendations must be a list (empty when none)',
          );
        }
        if (recommendations.length > INSPECTION_LIMITS.recommendations) {
          const limit = INSPECTION_LIMITS.recommendations;
          refuse('too-many', { what: 'recommendations', limit }, `more than ${limit} recommendations`);
        }
        recommendations.forEach((r, i) => {
          const recommendation = i + 1;
          if (typeof r?.text !== 'string' || !r.text.trim()) {
            refuse(
              'recommendation-text-required',
              { recommendation },
              `recommendation ${recommendation}: text is required`,
            );
          }
          if (r.text.length > INSPECTION_LIMITS.text) {
            const limit = INSPECTION_LIMITS.text;
            refuse(
              'recommendation-text-too-long',
              { recommendation, limit },
              `recommendation ${recommendation}: text is longer than ${limit} characters`,
            );
          }
          if (r.dueOn !== undefined) {
            checkDueDate(r.dueOn, `recommendation ${recommendation}: due date`, recommendation);
          }
        });
      },
    },
  );

  const reportRecommendation = updateHandler<void, [ReportRecommendationInput]>(
    async ({ number, reportedBy, summary, evidence }) => {
      const f = recommendation(number);
      const at = now();
      f.status.reports.push({
        at,
        reportedBy,
        summary,
        ...(evidence?.length ? { evidence: evidence.map((e) => e.fileName) } : {}),
      });
      // At once, before any await: the recommendation's loop must not send another reminder.
      f.status.status = 'reported';
      f.version++;
      await saveRecommendation(f, evidence ?? []);
    },
    {
      validator: ({ number, reportedBy, summary, evidence }) => {
        requireActive('report a recommendation');
        const f = recommendation(number);
        if (f.status.status !== 'open') {
          refuse(
            'recommendation-already',
            { number, status: f.status.status },
            `recommendation ${number} is already ${f.status.status}`,
          );
        }
        if (!reportedBy?.trim()) refuse('field-required', { field: 'reportedBy' }, 'reportedBy is required');
        if (!summary?.trim()) refuse('field-required', { field: 'summary' }, 'summary is required');
        const problem = submissionShapeProblem({ submittedBy: reportedBy, summary, attachments: evidence });
        if (problem) throw refusalFailure(problem);
      },
    },
  );

  const closeRecommendation = updateHandler<void, [CloseRecommendationInput]>(
    async ({ number, by, note }) => {
      const f = recommendation(number);
      f.status.status = 'closed';
      f.status.closedBy = by;
      f.status.closedOn = today();
      if (note?.trim()) f.status.notes.push(`closed by ${by}: ${note.trim()}`);
      f.version++;
      await saveRecommendation(f);
      await notify('recommendation-closed', `rec-${number}/closed`, ['focal_point'], {
        recommendation: f.status,
      });
    },
    {
      validator: ({ number, by }) => {
        requireActive('close a recommendation');
        const f = recommendation(number);
        if (f.status.status === 'closed') {
          refuse(
            'recommendation-already',
            { number, status: 'closed' },
            `recommendation ${number} is already closed`,
          );
        }
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
      },
    },
  );

  const reopenRecommendation = updateHandler<IsoDate, [ReopenRecommendationInput]>(
    async ({ number, by, reason, dueOn }) => {
      const f = recommendation(number);
      const due =
        dueOn ?? calendar.addWorkingDays(calendar.nextWorkingDayOnOrAfter(today()), input.remedyWorkingDays);
      f.status.status = 'open';
      f.status.dueOn = due;
      f.status.round++;
      delete f.status.closedBy;
      delete f.status.closedOn;
      f.status.notes.push(`reopened by ${by}, new due date ${due}: ${reason.trim()}`);
      f.version++;
      await saveRecommendation(f);
      return due;
    },
    {
      validator: ({ number, by, reason, dueOn }) => {
        requireActive('reopen a recommendation');
        const f = recommendation(number);
        if (f.status.status === 'open') {
          refuse('recommendation-open', { number }, `recommendation ${number} is open: nothing to reopen`);
        }
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
        if (dueOn !== undefined) checkDueDate(dueOn, 'new due date');
      },
    },
  );

  const cancel = updateHandler<void, [CancelInspectionInput]>(
    async ({ by, reason }) => {
      notes.push(`cancelled by ${by}: ${reason.trim()}`);
      state.version++;
      for (const f of followed) f.version++;
      await state.setStage('cancelled');
      await recordAudit({ actor: by, action: 'inspection.cancel', subject: workflowId, details: { reason } });
    },
    {
      validator: ({ by, reason }) => {
        requireActive('cancel');
        if (!by?.trim()) refuse('field-required', { field: 'by' }, 'by is required');
        if (!reason?.trim()) refuse('reason-required', {}, 'a reason is required');
      },
    },
  );

  return { recordConclusion, reportRecommendation, closeRecommendation, reopenRecommendation, cancel };
}
