import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { TaskLinkError, verifyTaskToken, type TaskLinkProblem, type TaskScope } from '../../links/task-link';
import { PROJECT_HOLIDAY_DIR } from '../../calendar/load';
import { localDate } from '../../cycle/clock';
import { isIsoDate } from '../../calendar/dates';
import { UploadBatch } from '../../files/storage';
import { SUBMISSION_LIMITS, type AttachmentRef } from '../../workflows/obligation-types';
import { formatDate, formatSize, pickLang, TEXT, type Lang } from '../i18n';
import { refusalOf, translateRefusal } from '../../i18n/refusals';
import type { WebContext } from '../server';
import { checkFigures } from './figures';
import { loadTaskView, type TaskView } from './task-page';
import { readUploadForm, uploadProblems } from './upload-form';
import { loadInspectionView, type InspectionView } from './inspection-view';
import { requestExtensionUpdate, submitUpdate } from '../../workflows/messages/agency-obligations';
import { reportRecommendationUpdate } from '../../workflows/messages/inspection';

/** Statuses in which the agency may submit (again). */
const OPEN_FOR_SUBMISSION = ['requested', 'overdue', 'returned'];
/** Statuses in which the agency may ask for more time (the workflow refuses closed tasks). */
const OPEN_FOR_EXTENSION = ['pending', 'requested', 'overdue', 'returned'];

/** Longest reason for an extension request (characters). */
export const EXTENSION_REASON_LIMIT = 2000;

/** HTTP status per link problem: a link that was never valid, or no longer is. */
const PROBLEM_STATUS: Record<TaskLinkProblem, number> = {
  malformed: 400,
  'bad-signature': 403,
  expired: 410,
  'wrong-scope': 403,
};

/** Inspection stages in which the agency may report a recommendation done. */
const OPEN_INSPECTION = ['planned', 'noticed', 'visited', 'concluded'];

/** A recommendation's number in a URL. */
const RECOMMENDATION_NUMBER = /^[1-9]\d{0,3}$/;

/** What was typed in a recommendation's report form, kept to fill it again when it is refused. */
interface TypedReport {
  number: number;
  key: string;
  reportedBy: string;
  summary: string;
}

/** The form's one-time key: a UUID. */
const FORM_KEY = /^[0-9a-f-]{36}$/;

/** What the person typed, kept to fill the form again when it is refused. */
interface TypedForm {
  key: string;
  submittedBy: string;
  summary: string;
  figures: Record<string, string>;
}

/**
 * The agency portal: the task page an email's link opens (/nhiem-vu/<token>), the submission from it
 * (fields, figures, attachments) and extension requests. No accounts: the signed token scopes every
 * request to one cycle, agency and milestone.
 */
export function registerAgencyPortal(app: FastifyInstance, ctx: WebContext): void {
  const { deps, page } = ctx;
  const files = deps.files;

  /** The task a link's token names, or why the link is refused. */
  function checkedScope(token: string): TaskScope | TaskLinkError {
    try {
      return verifyTaskToken(token, deps.links.secret);
    } catch (err) {
      if (err instanceof TaskLinkError) return err;
      throw err;
    }
  }

  function linkProblem(reply: FastifyReply, err: TaskLinkError, lang: Lang): Promise<FastifyReply> {
    return page(reply, PROBLEM_STATUS[err.problem], 'error', lang, {
      heading: TEXT[lang].linkProblem,
      message: TEXT[lang].problems[err.problem],
    });
  }

  function load(scope: TaskScope, lang: Lang): Promise<TaskView | undefined> {
    return loadTaskView(deps.db, scope, lang, {
      holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
      today: localDate((deps.now ?? Date.now)()),
    });
  }

  function loadInspection(scope: TaskScope, lang: Lang): Promise<InspectionView | undefined> {
    return loadInspectionView(deps.db, scope, lang, {
      holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
      today: localDate((deps.now ?? Date.now)()),
    });
  }

  /**
   * The inspection part of the task page: the inspection, its recommendations, and a report form for each
   * open one (filled again, with its problems, when a report was refused).
   */
  function inspectionSection(
    token: string,
    inspection: InspectionView,
    lang: Lang,
    refused?: { typed: TypedReport; problems: string[]; reattach: boolean },
  ) {
    const t = TEXT[lang];
    const open = Boolean(deps.temporal) && OPEN_INSPECTION.includes(inspection.statusKey);
    return {
      ...inspection,
      recommendations: inspection.recommendations.map((r) => {
        const typed = refused?.typed.number === r.number ? refused : undefined;
        return {
          ...r,
          heading: t.recommendationReport(r.number),
          form:
            open && r.statusKey === 'open'
              ? {
                  action: `/nhiem-vu/${token}/kien-nghi/${r.number}${lang === 'en' ? '?lang=en' : ''}`,
                  key: typed?.typed.key ?? randomUUID(),
                  reportedBy: typed?.typed.reportedBy ?? '',
                  summary: typed?.typed.summary ?? '',
                  problems: typed?.problems,
                  reattach: typed?.reattach,
                }
              : undefined,
        };
      }),
    };
  }

  /** The page of an agency that has an inspection but no task of the milestone: the inspection alone. */
  function inspectionOnlyPage(
    reply: FastifyReply,
    token: string,
    status: number,
    inspection: InspectionView,
    lang: Lang,
    extra: { reported?: number; refused?: { typed: TypedReport; problems: string[]; reattach: boolean } },
  ): Promise<FastifyReply> {
    const t = TEXT[lang];
    return page(reply, status, 'task', lang, {
      ...inspection.header,
      title: inspection.header.heading,
      noTask: true,
      emails: [],
      submissions: [],
      extensionRequests: [],
      inspection: inspectionSection(token, inspection, lang, extra.refused),
      reportedMessage: extra.reported ? t.recommendationReported(extra.reported) : undefined,
      limits: SUBMISSION_LIMITS,
      attachmentsHint: t.attachmentsHint(files.maxFiles, formatSize(files.maxFileBytes, lang)),
      maxFiles: files.maxFiles,
    });
  }

  /** The task page, with the form filled again and the problems listed when a submission was refused. */
  function taskPage(
    reply: FastifyReply,
    token: string,
    status: number,
    view: TaskView,
    lang: Lang,
    extra: {
      receipt?: string;
      extension?: string;
      typed?: TypedForm;
      problems?: string[];
      reattach?: boolean;
      inspection?: InspectionView;
      reported?: number;
      refusedReport?: { typed: TypedReport; problems: string[]; reattach: boolean };
    },
  ): Promise<FastifyReply> {
    const t = TEXT[lang];
    const open = Boolean(deps.temporal) && OPEN_FOR_SUBMISSION.includes(view.statusKey);
    return page(reply, status, 'task', lang, {
      ...view,
      title: view.heading,
      inspection: extra.inspection
        ? inspectionSection(token, extra.inspection, lang, extra.refusedReport)
        : undefined,
      reportedMessage: extra.reported ? t.recommendationReported(extra.reported) : undefined,
      receivedMessage: extra.receipt ? t.received(extra.receipt) : undefined,
      extensionMessage: extra.extension ? t.extensionRecorded(formatDate(extra.extension)) : undefined,
      form: open
        ? {
            key: extra.typed?.key ?? randomUUID(),
            submittedBy: extra.typed?.submittedBy ?? '',
            summary: extra.typed?.summary ?? '',
            figures: view.figureFields.map((f) => ({ ...f, value: extra.typed?.figures[f.key] ?? '' })),
          }
        : undefined,
      problems: extra.problems,
      reattach: extra.reattach,
      extensionForm:
        deps.temporal && OPEN_FOR_EXTENSION.includes(view.statusKey) ? { key: randomUUID() } : undefined,
      extensionAction: `/nhiem-vu/${token}/gia-han${lang === 'en' ? '?lang=en' : ''}`,
      limits: SUBMISSION_LIMITS,
      extensionReasonLimit: EXTENSION_REASON_LIMIT,
      attachmentsHint: t.attachmentsHint(files.maxFiles, formatSize(files.maxFileBytes, lang)),
      maxFiles: files.maxFiles,
    });
  }

  app.get<{
    Params: { token: string };
    Querystring: { lang?: string; receipt?: string; extension?: string; reported?: string };
  }>('/nhiem-vu/:token', async (request, reply) => {
    const lang = pickLang(request.query);
    const t = TEXT[lang];
    const scope = checkedScope(request.params.token);
    if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
    const [view, inspection] = await Promise.all([load(scope, lang), loadInspection(scope, lang)]);
    const { receipt, extension } = request.query;
    const reported =
      typeof request.query.reported === 'string' && RECOMMENDATION_NUMBER.test(request.query.reported)
        ? Number(request.query.reported)
        : undefined;
    if (!view) {
      if (inspection)
        return inspectionOnlyPage(reply, request.params.token, 200, inspection, lang, { reported });
      return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });
    }
    return taskPage(reply, request.params.token, 200, view, lang, {
      receipt: typeof receipt === 'string' && /^[\w-]{1,200}$/.test(receipt) ? receipt : undefined,
      extension: typeof extension === 'string' && isIsoDate(extension) ? extension : undefined,
      inspection,
      reported,
    });
  });

  /**
   * A submission from the task page: fields, figures and attachments checked here (the figures against the
   * program's definitions, the files by their content), files stored only when everything is valid, then
   * the workflow's `submit` Update under an Update ID made from the form's one-time key, so a double click
   * or a retry after a timeout makes one submission, not two.
   */
  app.post<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      const scope = checkedScope(request.params.token);
      if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
      if (!deps.temporal) {
        return page(reply, 503, 'error', lang, { heading: t.submitFailed, message: t.tryAgain });
      }
      const view = await load(scope, lang);
      if (!view) return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });

      const batch = new UploadBatch(files);
      // The reply is sent only once the temp area is clean (a response must not race the clean-up).
      let respond: () => FastifyReply | Promise<FastifyReply>;
      try {
        respond = await submission(scope, view, deps.temporal);
      } finally {
        await batch.discard();
      }
      return respond();

      async function submission(
        scope: TaskScope,
        view: TaskView,
        temporal: Client,
      ): Promise<() => FastifyReply | Promise<FastifyReply>> {
        const form = await readUploadForm(request, batch, files);
        const text = (name: string) => (form.fields[name] ?? '').trim();
        const typed: TypedForm = {
          key: text('key'),
          submittedBy: text('submittedBy'),
          summary: text('summary'),
          figures: Object.fromEntries(
            view.figureDefinitions.map((f) => [f.key, (form.fields[`figure.${f.key}`] ?? '').slice(0, 100)]),
          ),
        };
        const checked = uploadProblems(form, files, lang);
        const problems = checked.problems;
        const status = checked.status;
        const { submittedBy, summary, key } = typed;
        if (!submittedBy) problems.push(t.fieldRequired(t.submittedBy));
        if (submittedBy.length > SUBMISSION_LIMITS.submittedBy)
          problems.push(t.fieldTooLong(t.submittedBy, SUBMISSION_LIMITS.submittedBy));
        if (!summary) problems.push(t.fieldRequired(t.summary));
        if (summary.length > SUBMISSION_LIMITS.summary)
          problems.push(t.fieldTooLong(t.summary, SUBMISSION_LIMITS.summary));
        const figures = checkFigures(view.figureDefinitions, typed.figures, lang);
        for (const p of figures.problems) problems.push(t.figureProblem(p.label, p.problem));
        if (!FORM_KEY.test(key)) problems.push(t.formExpired);
        if (problems.length > 0) {
          await batch.discard();
          if (!FORM_KEY.test(key) || !OPEN_FOR_SUBMISSION.includes(view.statusKey)) {
            return () =>
              page(reply, status, 'error', lang, {
                heading: t.submitFailed,
                message: problems.join(' '),
              });
          }
          return () =>
            taskPage(reply, request.params.token, status, view, lang, {
              typed,
              problems,
              reattach: form.fileCount > 0,
            });
        }

        const attachments: AttachmentRef[] = await batch.commit();
        const handle = temporal.workflow.getHandle(scope.cycleId);
        let receipt: { receiptNumber: string };
        try {
          receipt = await handle.executeUpdate(submitUpdate, {
            args: [
              {
                milestone: scope.milestone,
                submittedBy,
                summary,
                ...(Object.keys(figures.figures).length > 0 ? { figures: figures.figures } : {}),
                ...(attachments.length > 0 ? { attachments } : {}),
              },
            ],
            updateId: `portal:${scope.milestone}:${key}`,
          });
        } catch (err) {
          // Refused or no such workflow: nothing was recorded, so the files stored for it go too (unless a
          // submission already refers to the same content).
          const stillUsed = async (storagePath: string) =>
            (await deps.db.prisma.attachment.count({ where: { storagePath } })) > 0;
          if (err instanceof WorkflowUpdateFailedError) {
            await batch.rollback(stillUsed);
            return () =>
              page(reply, 409, 'error', lang, { heading: t.submitRefused, message: refusalText(err, lang) });
          }
          if (err instanceof WorkflowNotFoundError || /already completed/.test((err as Error).message)) {
            await batch.rollback(stillUsed);
            return () => page(reply, 410, 'error', lang, { heading: t.submitRefused, message: t.taskClosed });
          }
          // Unknown outcome (Temporal unreachable, timeout): the Update may still be recorded, so the files
          // stay (content-addressed: a retry finds them in place).
          request.log.error(err);
          return () => page(reply, 503, 'error', lang, { heading: t.submitFailed, message: t.tryAgain });
        }
        await batch.confirm();
        const query = new URLSearchParams({
          receipt: receipt.receiptNumber,
          ...(lang === 'en' ? { lang } : {}),
        });
        return () => reply.redirect(`/nhiem-vu/${request.params.token}?${query.toString()}`, 303);
      }
    },
  );

  /**
   * An extension request from the task page: the workflow's `requestExtension` Update (the coordinator
   * decides; the due date does not move until then), idempotent by the form's one-time key.
   */
  app.post<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token/gia-han',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      const scope = checkedScope(request.params.token);
      if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
      if (!deps.temporal) {
        return page(reply, 503, 'error', lang, { heading: t.extensionRefused, message: t.tryAgain });
      }
      const body = (request.isMultipart() ? {} : (request.body ?? {})) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
      const until = text(body.until);
      const reason = text(body.reason);
      const requestedBy = text(body.requestedBy);
      const key = text(body.key);
      const problems: string[] = [];
      if (!isIsoDate(until)) problems.push(`${t.extensionUntil}: ${t.badDate}`);
      if (!reason) problems.push(t.fieldRequired(t.extensionReason));
      if (reason.length > EXTENSION_REASON_LIMIT)
        problems.push(t.fieldTooLong(t.extensionReason, EXTENSION_REASON_LIMIT));
      if (!requestedBy) problems.push(t.fieldRequired(t.requestedBy));
      if (requestedBy.length > SUBMISSION_LIMITS.submittedBy)
        problems.push(t.fieldTooLong(t.requestedBy, SUBMISSION_LIMITS.submittedBy));
      if (!FORM_KEY.test(key)) problems.push(t.formExpired);
      if (problems.length > 0) {
        return page(reply, 400, 'error', lang, { heading: t.extensionRefused, message: problems.join(' ') });
      }
      try {
        await deps.temporal.workflow.getHandle(scope.cycleId).executeUpdate(requestExtensionUpdate, {
          args: [{ milestone: scope.milestone, until, reason, requestedBy }],
          updateId: `portal-extension:${scope.milestone}:${key}`,
        });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          return page(reply, 409, 'error', lang, {
            heading: t.extensionRefused,
            message: refusalText(err, lang),
          });
        }
        if (err instanceof WorkflowNotFoundError || /already completed/.test((err as Error).message)) {
          return page(reply, 410, 'error', lang, { heading: t.extensionRefused, message: t.taskClosed });
        }
        request.log.error(err);
        return page(reply, 503, 'error', lang, { heading: t.extensionRefused, message: t.tryAgain });
      }
      const query = new URLSearchParams({ extension: until, ...(lang === 'en' ? { lang } : {}) });
      return reply.redirect(`/nhiem-vu/${request.params.token}?${query.toString()}`, 303);
    },
  );

  /**
   * The agency reports a recommendation of its inspection done, from the task page of an `inspection`
   * link: what was done and evidence files (checked and stored as a submission's attachments, only when the
   * whole form is valid), then the inspection workflow's `reportRecommendation` Update under an Update ID
   * made from the form's one-time key (a double click makes one report).
   */
  app.post<{ Params: { token: string; number: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token/kien-nghi/:number',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      const { token, number: numberParam } = request.params;
      const scope = checkedScope(token);
      if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
      if (!deps.temporal) {
        return page(reply, 503, 'error', lang, { heading: t.reportRefused, message: t.tryAgain });
      }
      const [view, inspection] = await Promise.all([load(scope, lang), loadInspection(scope, lang)]);
      if (!inspection) {
        return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });
      }
      const batch = new UploadBatch(files);
      let respond: () => FastifyReply | Promise<FastifyReply>;
      try {
        respond = await report(inspection, deps.temporal);
      } finally {
        await batch.discard();
      }
      return respond();

      async function report(
        inspection: InspectionView,
        temporal: Client,
      ): Promise<() => FastifyReply | Promise<FastifyReply>> {
        // The whole body is read first (a reply must not leave a request half-consumed).
        const form = await readUploadForm(request, batch, files);
        const shown = RECOMMENDATION_NUMBER.test(numberParam)
          ? inspection.recommendations.find((r) => r.number === Number(numberParam))
          : undefined;
        if (!shown) {
          await batch.discard();
          return () =>
            page(reply, 404, 'error', lang, {
              heading: t.reportRefused,
              message: t.recommendationRefusals.unknown(numberParam.slice(0, 10)),
            });
        }
        const number = shown.number;
        const text = (name: string) => (form.fields[name] ?? '').trim();
        const typed: TypedReport = {
          number,
          key: text('key'),
          reportedBy: text('reportedBy'),
          summary: text('summary'),
        };
        const checked = uploadProblems(form, files, lang);
        const problems = checked.problems;
        const { reportedBy, summary, key } = typed;
        if (!reportedBy) problems.push(t.fieldRequired(t.reportedBy));
        if (reportedBy.length > SUBMISSION_LIMITS.submittedBy)
          problems.push(t.fieldTooLong(t.reportedBy, SUBMISSION_LIMITS.submittedBy));
        if (!summary) problems.push(t.fieldRequired(t.remedySummary));
        if (summary.length > SUBMISSION_LIMITS.summary)
          problems.push(t.fieldTooLong(t.remedySummary, SUBMISSION_LIMITS.summary));
        if (!FORM_KEY.test(key)) problems.push(t.formExpired);
        if (problems.length > 0) {
          await batch.discard();
          if (!FORM_KEY.test(key) || shown.statusKey !== 'open') {
            return () =>
              page(reply, checked.status, 'error', lang, {
                heading: t.reportRefused,
                message: problems.join(' '),
              });
          }
          const refused = { typed, problems, reattach: form.fileCount > 0 };
          return () =>
            view
              ? taskPage(reply, token, checked.status, view, lang, { inspection, refusedReport: refused })
              : inspectionOnlyPage(reply, token, checked.status, inspection, lang, { refused });
        }

        const evidence: AttachmentRef[] = await batch.commit();
        try {
          await temporal.workflow.getHandle(inspection.workflowId).executeUpdate(reportRecommendationUpdate, {
            args: [{ number, reportedBy, summary, ...(evidence.length > 0 ? { evidence } : {}) }],
            updateId: `portal:recommendation:${number}:${key}`,
          });
        } catch (err) {
          // Refused or no such workflow: nothing was recorded, so the files stored for it go too (unless a
          // submission or another report already refers to the same content).
          const stillUsed = async (storagePath: string) => {
            if ((await deps.db.prisma.attachment.count({ where: { storagePath } })) > 0) return true;
            const reports = await deps.db.prisma.recommendation.findMany({ select: { evidence: true } });
            return reports.some(
              (r) =>
                Array.isArray(r.evidence) &&
                r.evidence.some((e) => (e as { storagePath?: unknown } | null)?.storagePath === storagePath),
            );
          };
          if (err instanceof WorkflowUpdateFailedError) {
            await batch.rollback(stillUsed);
            return () =>
              page(reply, 409, 'error', lang, { heading: t.reportRefused, message: refusalText(err, lang) });
          }
          if (err instanceof WorkflowNotFoundError || /already completed/.test((err as Error).message)) {
            await batch.rollback(stillUsed);
            return () =>
              page(reply, 410, 'error', lang, {
                heading: t.reportRefused,
                message: t.recommendationRefusals.inspectionOver,
              });
          }
          // Unknown outcome: the Update may still be recorded, so the files stay (a retry finds them).
          request.log.error(err);
          return () => page(reply, 503, 'error', lang, { heading: t.reportRefused, message: t.tryAgain });
        }
        await batch.confirm();
        const query = new URLSearchParams({ reported: String(number), ...(lang === 'en' ? { lang } : {}) });
        return () => reply.redirect(`/nhiem-vu/${token}?${query.toString()}#kien-nghi-${number}`, 303);
      }
    },
  );
}

/** Why a workflow refused the agency's form, in the agency's words (an uncoded failure: its message). */
function refusalText(err: WorkflowUpdateFailedError, lang: Lang): string {
  const refusal = refusalOf(err);
  if (refusal) return translateRefusal(refusal, lang, 'agency');
  return (err.cause as Error | undefined)?.message ?? err.message;
}
