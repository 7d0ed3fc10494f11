// GET /nhiem-vu/:token: the task page (or the inspection alone, for an agency with no task of the
// milestone), with what the form just sent left as a message.
import { TaskLinkError } from '../../links/task-link';
import { isIsoDate } from '../../calendar/dates';
import type { PortalApp, PortalContext } from './portal';
import { RECOMMENDATION_NUMBER } from './portal-pages';
import { taskPageQuery, tokenParams } from './schemas';

export function registerTaskPage(app: PortalApp, { pages }: PortalContext): void {
  // A query value of the wrong shape is not an error here: each message is shown only when its value is
  // well-formed (below), so the schema's verdict is attached and not acted on.
  app.get(
    '/nhiem-vu/:token',
    { schema: { params: tokenParams, querystring: taskPageQuery }, attachValidation: true },
    async (request, reply) => {
      const { lang } = request;
      const { token } = request.params;
      const scope = await pages.checkedScope(token);
      if (scope instanceof TaskLinkError) return pages.linkProblem(reply, scope, lang);
      const [view, inspection] = await Promise.all([
        pages.load(scope, lang),
        pages.loadInspection(scope, lang),
      ]);
      const { receipt, pending, extension, reported: reportedParam } = request.query;
      const reported =
        typeof reportedParam === 'string' && RECOMMENDATION_NUMBER.test(reportedParam)
          ? Number(reportedParam)
          : undefined;
      if (!view) {
        if (inspection) return pages.inspectionOnlyPage(reply, token, 200, inspection, lang, { reported });
        return pages.notFound(reply, lang);
      }
      return pages.taskPage(reply, token, 200, view, lang, {
        receipt: typeof receipt === 'string' && /^[\w-]{1,200}$/.test(receipt) ? receipt : undefined,
        pending: pending === '1',
        extension: typeof extension === 'string' && isIsoDate(extension) ? extension : undefined,
        inspection,
        reported,
      });
    },
  );
}
