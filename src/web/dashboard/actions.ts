// Coordinators' actions on one agency's obligation: each through the agency workflow's Update, under an
// Update ID made from the form's one-time key (a double click acts once), each outcome, done or refused,
// recorded in the audit log and shown on the agency page after a 303 redirect (?ket-qua=<audit id>).
import type { UpdateDefinition } from '@temporalio/client';
import { isIsoDate, type IsoDate } from '../../calendar/dates';
import {
  acceptUpdate,
  extendUpdate,
  remindNowUpdate,
  returnUpdate,
  waiveUpdate,
  type CoordinatorActionBase,
  type ExtendInput,
  type ReturnInput,
  type WaiveInput,
} from '../../workflows/messages/agency-obligations';
import { agencyWorkflowId } from '../../workflows/obligation-types';
import { type Lang } from '../i18n';
import { cycleParam, onProgramOf } from './access';
import type { WebContext } from '../server';
import { actorOf, currentUser, DASHBOARD_PREFIX } from './auth';
import { DASH, type ActionName } from './i18n';
import { errorPage, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import { invalidPart, langQuery, obligationActionBody, obligationActionParams } from './schemas';
import { runAuditedUpdate } from './audited-update';
import { refusal, type Refusal } from '../../workflows/refusals';

/** The argument and result of the workflow Update each dashboard action calls. */
interface ActionMessage {
  accept: { arg: CoordinatorActionBase; result: void };
  return: { arg: ReturnInput; result: IsoDate };
  extend: { arg: ExtendInput; result: IsoDate };
  waive: { arg: WaiveInput; result: void };
  remind: { arg: CoordinatorActionBase; result: void };
}
type Prepared<A extends ActionName> = { args: ActionMessage[A]['arg'] } | { problem: Refusal };

/** The workflow Update each dashboard action calls. */
const UPDATE: { [A in ActionName]: UpdateDefinition<ActionMessage[A]['result'], [ActionMessage[A]['arg']]> } =
  {
    accept: acceptUpdate,
    return: returnUpdate,
    extend: extendUpdate,
    waive: waiveUpdate,
    remind: remindNowUpdate,
  };

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_REASON = 2000;

/** The action form's fields (schemas.ts, `obligationActionBody`). */
interface ActionBody {
  key?: string;
  milestone?: string;
  reason?: string;
  until?: string;
}

/** The form's fields each action's argument is made of, once checked for length and date. */
interface ActionForm {
  milestone: string;
  by: string;
  reason: string;
  until: string;
}

const problem = (r: Refusal) => ({ problem: r });
const noReason = () => problem(refusal('reason-required', {}, 'a reason is required'));

/** Each action's argument from the form, or why the form cannot be sent (a refusal, coded as the workflow's are). */
const PREPARE: { [A in ActionName]: (form: ActionForm) => Prepared<A> } = {
  accept: ({ milestone, by }) => ({ args: { milestone, by } }),
  remind: ({ milestone, by }) => ({ args: { milestone, by } }),
  return: ({ milestone, by, reason, until }) => {
    if (!reason) return noReason();
    return { args: { milestone, by, reason, ...(until ? { until } : {}) } };
  },
  extend: ({ milestone, by, reason, until }) => {
    if (!until) return problem(refusal('date-required', {}, 'a new due date is required'));
    if (!reason) return noReason();
    return { args: { milestone, by, until, reason } };
  },
  waive: ({ milestone, by, reason }) => {
    if (!reason) return noReason();
    return { args: { milestone, by, reason } };
  },
};

/** The Update's argument, or why the form cannot be sent (a refusal, coded as the workflow's are). */
export function actionArgs<A extends ActionName>(
  action: A,
  milestone: string,
  by: string,
  body: ActionBody,
): Prepared<A> {
  const reason = body.reason?.trim() ?? '';
  const until = body.until?.trim() ?? '';
  if (reason.length > MAX_REASON) {
    const limit = MAX_REASON;
    return problem(
      refusal('text-too-long', { field: 'reason', limit }, `the reason is longer than ${limit} characters`),
    );
  }
  if (until && !isIsoDate(until)) {
    return problem(refusal('not-a-date', { value: until }, `"${until}" is not a date (YYYY-MM-DD)`));
  }
  return PREPARE[action]({ milestone, by, reason, until });
}

export function registerActionRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  dash.post(
    '/chu-ky/:cycleId/don-vi/:code/:action',
    {
      config: { access: onProgramOf(cycleParam, 'coordinator') },
      schema: { params: obligationActionParams, querystring: langQuery, body: obligationActionBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const w = DASH[lang];
      const user = currentUser(request)!;
      const invalid = invalidPart(request);
      if (invalid === 'params') return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      const { action } = request.params;
      const cycleId = Number(request.params.cycleId);
      const body = request.body;
      const milestone = body.milestone ?? '';
      const obligation = await deps.db.prisma.obligation.findFirst({
        where: { cycleId, milestoneKey: milestone, agency: { code: request.params.code } },
        include: { cycle: { include: { program: true } }, agency: true },
      });
      if (!obligation) return errorPage(ctx, request, reply, 404, w.notFound, w.unknownMilestone);
      const key = body.key ?? '';
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, w.csrfTitle, w.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
      const temporal = deps.temporal;

      const workflowId = agencyWorkflowId(
        obligation.cycle.program.code,
        obligation.cycle.year,
        obligation.agency.code,
      );
      const subject = `${workflowId}:${milestone}`;
      const auditAction = `obligation.${action}`;
      const by = `coordinator:${user.login}`;
      // Generic in the action, so that the argument and the result are those of the action's Update.
      const run = <A extends ActionName>(action: A) => {
        const prepared = actionArgs(action, milestone, by, body);
        return runAuditedUpdate({
          db: deps.db,
          temporal,
          actor: actorOf(user),
          action: auditAction,
          subject,
          key,
          workflowId,
          update: UPDATE[action],
          updateId: `dashboard:${action}:${milestone}:${key}`,
          prepared,
          // A refused form keeps the reason typed, for the record.
          details: {
            milestone,
            ...('problem' in prepared && body.reason?.trim()
              ? { reason: body.reason.trim().slice(0, MAX_REASON) }
              : {}),
          },
          detailsOfResult: (result) => (typeof result === 'string' ? { due: result } : {}),
          endedRefusal: refusal('workflow-ended', { workflow: 'agency' }, 'the agency’s workflow has ended'),
        });
      };

      let auditId: number;
      try {
        auditId = await run(action);
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
      }
      const page = `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/don-vi/${encodeURIComponent(obligation.agency.code)}?ket-qua=${auditId}`;
      return reply.redirect(withLang(`${page}#m-${milestone}`, lang), 303);
    },
  );
}
