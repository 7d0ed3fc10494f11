// POST /nhiem-vu/:token/gia-han: an extension request from the task page, the workflow's
// `requestExtension` Update (the coordinator decides; the due date does not move until then), idempotent
// by the form's one-time key.
import { TaskLinkError } from '../../links/task-link';
import { isIsoDate } from '../../calendar/dates';
import { SUBMISSION_LIMITS } from '../../workflows/obligation-types';
import { requestExtensionUpdate } from '../../workflows/messages/agency-obligations';
import { portalFailurePage, updateFailureOf } from '../update-failure';
import type { PortalApp, PortalContext } from './portal';
import { EXTENSION_REASON_LIMIT, FORM_KEY } from './portal-pages';
import { extensionBody, langQuery, stringFields, tokenParams } from './schemas';

export function registerExtensionRequest(app: PortalApp, { ctx, pages }: PortalContext): void {
  const { deps } = ctx;
  app.post(
    '/nhiem-vu/:token/gia-han',
    { schema: { params: tokenParams, querystring: langQuery, body: extensionBody }, attachValidation: true },
    async (request, reply) => {
      const { lang, text: t } = request;
      const { token } = request.params;
      const scope = await pages.checkedScope(token);
      if (scope instanceof TaskLinkError) return pages.linkProblem(reply, scope, lang);
      if (!deps.temporal) return pages.errorPage(reply, 503, lang, t.extensionRefused, t.tryAgain);
      // A multipart body is not this form's; a field of the wrong shape counts as not filled in.
      const body = request.isMultipart()
        ? {}
        : request.validationError
          ? stringFields(request.body)
          : (request.body ?? {});
      const until = body.until?.trim() ?? '';
      const reason = body.reason?.trim() ?? '';
      const requestedBy = body.requestedBy?.trim() ?? '';
      const key = body.key?.trim() ?? '';
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
        return pages.errorPage(reply, 400, lang, t.extensionRefused, problems.join(' '));
      }
      try {
        await deps.temporal.workflow.getHandle(scope.cycleId).executeUpdate(requestExtensionUpdate, {
          args: [{ milestone: scope.milestone, until, reason, requestedBy }],
          updateId: `portal-extension:${scope.milestone}:${key}`,
        });
      } catch (err) {
        const failure = updateFailureOf(err);
        if (failure.kind === 'unknown') request.log.error(err);
        const shown = portalFailurePage(failure, lang, { endedMessage: t.taskClosed, tryAgain: t.tryAgain });
        return pages.errorPage(reply, shown.status, lang, t.extensionRefused, shown.message);
      }
      const query = new URLSearchParams({ extension: until, ...(lang === 'en' ? { lang } : {}) });
      return reply.redirect(`/nhiem-vu/${token}?${query.toString()}`, 303);
    },
  );
}
