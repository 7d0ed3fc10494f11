// POST /nhiem-vu/:token: a submission from the task page. Fields, figures and attachments are checked
// here (the figures against the program's definitions, the files by their content), files are stored
// only when everything is valid, then the submission is recorded with its receipt number and time
// (submission-receipts.ts) and handed to the workflow's `submit` Update under an Update ID made from the
// form's one-time key, so a double click or a retry makes one submission, not two. When the workflow does
// not answer within a few seconds (Temporal or the worker away) the agency still gets its receipt number
// and the page says the review will follow; the deliverer (receipt-deliverer.ts) hands it over later.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { TaskLinkError, type TaskScope } from '../../links/task-link';
import { UploadBatch } from '../../files/storage';
import { SUBMISSION_LIMITS, type AttachmentRef } from '../../workflows/obligation-types';
import { refusalTextForAgency } from '../update-failure';
import {
  deliverReceipt,
  otherPendingReceipt,
  recordReceipt,
  refusalOfRow,
  settleReceipt,
  type DeliveryOutcome,
} from './submission-receipts';
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
      const scope = await pages.checkedScope(token);
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

    const updateId = `portal:${scope.milestone}:${key}`;
    const workflowId = scope.cycleId;
    // One submission waiting for the workflow at a time: the workflow would refuse a second one.
    const waiting = await otherPendingReceipt(deps.db, workflowId, scope.milestone, updateId);
    if (waiting) {
      await batch.discard();
      return () =>
        pages.errorPage(reply, 409, lang, t.submitRefused, t.receiptStillPending(waiting.receiptNumber));
    }
    const attachments: AttachmentRef[] = await batch.commit();
    // Recorded before the workflow is asked: from here on the submission is the agency's, at this time.
    const receivedAt = new Date(await (deps.receiptClock ?? Date.now)());
    const { row, created } = await recordReceipt(deps.db, {
      workflowId,
      updateId,
      year: view.year,
      agencyCode: scope.agency,
      milestone: scope.milestone,
      receivedAt,
      submittedBy,
      summary,
      ...(Object.keys(figures.figures).length > 0 ? { figures: figures.figures } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      // Whose link it came through (the form still names the person responsible).
      ...(scope.linkId !== undefined ? { taskLinkId: scope.linkId } : {}),
    });
    await batch.confirm();
    let outcome: DeliveryOutcome | undefined;
    if (created) {
      outcome = await deliverReceipt(temporal, row);
      await settleReceipt(deps.db, row, outcome);
    } else if (row.status === 'refused') {
      // The same form posted again: the answer it had.
      outcome = { kind: 'refused', refusal: refusalOfRow(row), message: row.refusalMessage ?? '' };
    }
    if (outcome?.kind === 'refused') {
      // Nothing was taken, so the files stored for it go too (unless a submission refers to the content).
      await batch.rollback(
        async (storagePath) => (await deps.db.prisma.attachment.count({ where: { storagePath } })) > 0,
      );
      const ended = outcome.refusal?.code === 'workflow-ended';
      const message = ended ? t.taskClosed : refusalTextForAgency(outcome, lang);
      return () => pages.errorPage(reply, ended ? 410 : 409, lang, t.submitRefused, message);
    }
    if (outcome?.kind === 'unknown')
      request.log.warn(
        { receipt: row.receiptNumber, error: outcome.error },
        'submission recorded; the workflow did not answer yet',
      );
    const delivered = outcome ? outcome.kind === 'delivered' : row.status === 'delivered';
    const query = new URLSearchParams({
      receipt: row.receiptNumber,
      ...(delivered ? {} : { pending: '1' }),
      ...(lang === 'en' ? { lang } : {}),
    });
    return () => reply.redirect(`/nhiem-vu/${token}?${query.toString()}`, 303);
  }
}
