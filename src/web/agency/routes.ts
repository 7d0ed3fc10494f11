import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { TaskLinkError, verifyTaskToken, type TaskLinkProblem, type TaskScope } from '../../links/task-link';
import { PROJECT_HOLIDAY_DIR } from '../../calendar/load';
import { localDate } from '../../cycle/clock';
import { pickLang, refusal, TEXT, type Lang } from '../i18n';
import type { WebContext } from '../server';
import { loadTaskView } from './task-page';

/** Limits of the submission form's fields (characters). */
export const FIELD_LIMITS = { submittedBy: 200, summary: 5000 } as const;

/** Statuses in which the agency may submit (again). */
const OPEN_FOR_SUBMISSION = ['requested', 'overdue', 'returned'];

/** HTTP status per link problem: a link that was never valid, or no longer is. */
const PROBLEM_STATUS: Record<TaskLinkProblem, number> = {
  malformed: 400,
  'bad-signature': 403,
  expired: 410,
  'wrong-scope': 403,
};

/**
 * The agency portal: the task page an email's link opens (/nhiem-vu/<token>) and the submission from it.
 * No accounts: the signed token scopes every request to one cycle, agency and milestone.
 */
export function registerAgencyPortal(app: FastifyInstance, ctx: WebContext): void {
  const { deps, page } = ctx;

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

  app.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      const scope = checkedScope(request.params.token);
      if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
      const view = await loadTaskView(deps.db, scope, lang, {
        holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
        today: localDate((deps.now ?? Date.now)()),
      });
      if (!view) return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });
      const receipt = (request.query as { receipt?: string }).receipt;
      return page(reply, 200, 'task', lang, {
        ...view,
        title: view.heading,
        receivedMessage:
          typeof receipt === 'string' && /^[\w-]{1,200}$/.test(receipt) ? t.received(receipt) : undefined,
        form:
          deps.temporal && OPEN_FOR_SUBMISSION.includes(view.statusKey) ? { key: randomUUID() } : undefined,
        limits: FIELD_LIMITS,
      });
    },
  );

  /**
   * A submission from the task page: the workflow's `submit` Update, under an Update ID made from the
   * form's one-time key, so a double click or a retry after a timeout makes one submission, not two.
   */
  app.post<{
    Params: { token: string };
    Querystring: { lang?: string };
    Body: { submittedBy?: unknown; summary?: unknown; key?: unknown };
  }>('/nhiem-vu/:token', async (request, reply) => {
    const lang = pickLang(request.query);
    const t = TEXT[lang];
    const scope = checkedScope(request.params.token);
    if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
    if (!deps.temporal) {
      return page(reply, 503, 'error', lang, { heading: t.submitFailed, message: t.tryAgain });
    }
    const body = request.body ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const submittedBy = text(body.submittedBy);
    const summary = text(body.summary);
    const key = text(body.key);
    const problems: string[] = [];
    if (!submittedBy) problems.push(t.fieldRequired(t.submittedBy));
    if (submittedBy.length > FIELD_LIMITS.submittedBy)
      problems.push(t.fieldTooLong(t.submittedBy, FIELD_LIMITS.submittedBy));
    if (!summary) problems.push(t.fieldRequired(t.summary));
    if (summary.length > FIELD_LIMITS.summary) problems.push(t.fieldTooLong(t.summary, FIELD_LIMITS.summary));
    if (!/^[0-9a-f-]{36}$/.test(key)) problems.push(t.formExpired);
    if (problems.length > 0) {
      return page(reply, 400, 'error', lang, { heading: t.submitFailed, message: problems.join(' ') });
    }
    const handle = deps.temporal.workflow.getHandle(scope.cycleId);
    let receipt: { receiptNumber: string };
    try {
      receipt = (await handle.executeUpdate('submit', {
        args: [{ milestone: scope.milestone, submittedBy, summary }],
        updateId: `portal:${scope.milestone}:${key}`,
      })) as { receiptNumber: string };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const reason = (err.cause as Error | undefined)?.message ?? err.message;
        return page(reply, 409, 'error', lang, { heading: t.submitRefused, message: refusal(reason, lang) });
      }
      if (err instanceof WorkflowNotFoundError || /already completed/.test((err as Error).message)) {
        return page(reply, 410, 'error', lang, { heading: t.submitRefused, message: t.taskClosed });
      }
      request.log.error(err);
      return page(reply, 503, 'error', lang, { heading: t.submitFailed, message: t.tryAgain });
    }
    const query = new URLSearchParams({ receipt: receipt.receiptNumber, ...(lang === 'en' ? { lang } : {}) });
    return reply.redirect(`/nhiem-vu/${request.params.token}?${query.toString()}`, 303);
  });
}
