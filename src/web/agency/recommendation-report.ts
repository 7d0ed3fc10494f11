// POST /nhiem-vu/:token/kien-nghi/:number: the agency reports a recommendation of its inspection done,
// from the task page of an `inspection` link: what was done and evidence files (checked and stored as a
// submission's attachments, only when the whole form is valid), then the inspection workflow's
// `reportRecommendation` Update under an Update ID made from the form's one-time key (a double click
// makes one report).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { TaskLinkError } from '../../links/task-link';
import { UploadBatch } from '../../files/storage';
import { SUBMISSION_LIMITS, type AttachmentRef } from '../../workflows/obligation-types';
import { reportRecommendationUpdate } from '../../workflows/messages/inspection';
import type { Database } from '../../db/client';
import { portalFailurePage, updateFailureOf } from '../update-failure';
import type { PortalApp, PortalContext } from './portal';
import { FORM_KEY, RECOMMENDATION_NUMBER, type TypedReport } from './portal-pages';
import type { InspectionView } from './inspection-view';
import type { TaskView } from './task-page';
import { readUploadForm, uploadProblems, type Respond } from './upload-form';
import { langQuery, recommendationParams } from './schemas';

export function registerRecommendationReport(app: PortalApp, { ctx, pages }: PortalContext): void {
  const { deps } = ctx;
  const files = deps.files;

  // The body (multipart, or urlencoded without files) is read by readUploadForm.
  app.post(
    '/nhiem-vu/:token/kien-nghi/:number',
    { schema: { params: recommendationParams, querystring: langQuery }, attachValidation: true },
    async (request, reply) => {
      const { lang, text: t } = request;
      const { token } = request.params;
      const scope = await pages.checkedScope(token);
      if (scope instanceof TaskLinkError) return pages.linkProblem(reply, scope, lang);
      if (!deps.temporal) return pages.errorPage(reply, 503, lang, t.reportRefused, t.tryAgain);
      const [view, inspection] = await Promise.all([
        pages.load(scope, lang),
        pages.loadInspection(scope, lang),
      ]);
      if (!inspection) return pages.notFound(reply, lang);
      const batch = new UploadBatch(files);
      let respond: Respond;
      try {
        respond = await report(request, reply, request.params, batch, view, inspection, deps.temporal);
      } finally {
        await batch.discard();
      }
      return respond();
    },
  );

  async function report(
    request: FastifyRequest,
    reply: FastifyReply,
    params: { token: string; number: string },
    batch: UploadBatch,
    view: TaskView | undefined,
    inspection: InspectionView,
    temporal: Client,
  ): Promise<Respond> {
    const { lang, text: t } = request;
    const { token, number: numberParam } = params;
    // The whole body is read first (a reply must not leave a request half-consumed).
    const form = await readUploadForm(request, batch, files);
    const shown = RECOMMENDATION_NUMBER.test(numberParam)
      ? inspection.recommendations.find((r) => r.number === Number(numberParam))
      : undefined;
    if (!shown) {
      await batch.discard();
      return () =>
        pages.errorPage(
          reply,
          404,
          lang,
          t.reportRefused,
          t.recommendationRefusals.unknown(numberParam.slice(0, 10)),
        );
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
        return () => pages.errorPage(reply, checked.status, lang, t.reportRefused, problems.join(' '));
      }
      const refused = { typed, problems, reattach: form.fileCount > 0 };
      return () =>
        view
          ? pages.taskPage(reply, token, checked.status, view, lang, { inspection, refusedReport: refused })
          : pages.inspectionOnlyPage(reply, token, checked.status, inspection, lang, { refused });
    }

    const evidence: AttachmentRef[] = await batch.commit();
    try {
      await temporal.workflow.getHandle(inspection.workflowId).executeUpdate(reportRecommendationUpdate, {
        args: [{ number, reportedBy, summary, ...(evidence.length > 0 ? { evidence } : {}) }],
        updateId: `portal:recommendation:${number}:${key}`,
      });
    } catch (err) {
      const failure = updateFailureOf(err);
      if (failure.kind === 'unknown') {
        // The Update may still be recorded, so the files stay (a retry finds them).
        request.log.error(err);
      } else {
        // Refused or ended: nothing was recorded, so the files stored for it go too (unless a submission
        // or another report already refers to the same content).
        await batch.rollback((storagePath) => storedElsewhere(deps.db, storagePath));
      }
      const page = portalFailurePage(failure, lang, {
        endedMessage: t.recommendationRefusals.inspectionOver,
        tryAgain: t.tryAgain,
      });
      return () => pages.errorPage(reply, page.status, lang, t.reportRefused, page.message);
    }
    await batch.confirm();
    const query = new URLSearchParams({ reported: String(number), ...(lang === 'en' ? { lang } : {}) });
    return () => reply.redirect(`/nhiem-vu/${token}?${query.toString()}#kien-nghi-${number}`, 303);
  }
}

/** True when a submission's attachment or a recommendation report's evidence is the stored file. */
async function storedElsewhere(db: Database, storagePath: string): Promise<boolean> {
  if ((await db.prisma.attachment.count({ where: { storagePath } })) > 0) return true;
  const reports = await db.prisma.recommendation.findMany({ select: { evidence: true } });
  return reports.some(
    (r) =>
      Array.isArray(r.evidence) &&
      r.evidence.some((e) => (e as { storagePath?: unknown } | null)?.storagePath === storagePath),
  );
}
