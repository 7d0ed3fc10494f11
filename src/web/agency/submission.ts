// POST /nhiem-vu/:token: a submission from the task page. Fields, figures and attachments are checked
// here (the figures against the program's definitions, the files by their content), files are stored
// only when everything is valid, then the workflow's `submit` Update runs under an Update ID made from
// the form's one-time key, so a double click or a retry after a timeout makes one submission, not two.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { TaskLinkError, type TaskScope } from '../../links/task-link';
import { UploadBatch } from '../../files/storage';
import { SUBMISSION_LIMITS, type AttachmentRef } from '../../workflows/obligation-types';
import { submitUpdate } from '../../workflows/messages/agency-obligations';
import { portalFailurePage, updateFailureOf } from '../update-failure';
import type { PortalApp, PortalContext } from './portal';
import { FORM_KEY, OPEN_FOR_SUBMISSION, type TypedForm } from './portal-pages';
import { checkFigures } from './figures';
import type { TaskView } from './task-page';
import { readUploadForm, uploadProblems, type Respond } from './upload-form';
import { langQuery, tokenParams } from './schemas';

export function registerSubmission(app: PortalApp, { ctx, pages }: PortalContext): void {
  const { deps } = ctx;
  const files = deps.files;

  // The body (multipart, or urlencoded for a form without files) is read by readUploadForm.
  app.post(
    '/nhiem-vu/:token',
    { schema: { params: tokenParams, querystring: langQuery }, attachValidation: true },
    async (request, reply) => {
      const { lang, text: t } = request;
      const { token } = request.params;
      const scope = pages.checkedScope(token);
      if (scope instanceof TaskLinkError) return pages.linkProblem(reply, scope, lang);
      if (!deps.temporal) return pages.errorPage(reply, 503, lang, t.submitFailed, t.tryAgain);
      const view = await pages.load(scope, lang);
      if (!view) return pages.notFound(reply, lang);

      const batch = new UploadBatch(files);
      let respond: Respond;
      try {
        respond = await submission(request, reply, token, batch, scope, view, deps.temporal);
      } finally {
        await batch.discard();
      }
      return respond();
    },
  );

  async function submission(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    batch: UploadBatch,
    scope: TaskScope,
    view: TaskView,
    temporal: Client,
  ): Promise<Respond> {
    const { lang, text: t } = request;
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
        return () => pages.errorPage(reply, status, lang, t.submitFailed, problems.join(' '));
      }
      return () =>
        pages.taskPage(reply, token, status, view, lang, { typed, problems, reattach: form.fileCount > 0 });
    }

    const attachments: AttachmentRef[] = await batch.commit();
    let receipt: { receiptNumber: string };
    try {
      receipt = await temporal.workflow.getHandle(scope.cycleId).executeUpdate(submitUpdate, {
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
      const failure = updateFailureOf(err);
      if (failure.kind === 'unknown') {
        // The Update may still be recorded, so the files stay (content-addressed: a retry finds them).
        request.log.error(err);
      } else {
        // Refused or ended: nothing was recorded, so the files stored for it go too (unless a submission
        // already refers to the same content).
        await batch.rollback(
          async (storagePath) => (await deps.db.prisma.attachment.count({ where: { storagePath } })) > 0,
        );
      }
      const shown = portalFailurePage(failure, lang, { endedMessage: t.taskClosed, tryAgain: t.tryAgain });
      const heading = failure.kind === 'unknown' ? t.submitFailed : t.submitRefused;
      return () => pages.errorPage(reply, shown.status, lang, heading, shown.message);
    }
    await batch.confirm();
    const query = new URLSearchParams({ receipt: receipt.receiptNumber, ...(lang === 'en' ? { lang } : {}) });
    return () => reply.redirect(`/nhiem-vu/${token}?${query.toString()}`, 303);
  }
}
