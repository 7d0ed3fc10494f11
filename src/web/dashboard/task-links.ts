// Revoking one recipient's task link from the agency page (coordinators): the link stops working at once
// (the portal checks it on every use, src/links/issue.ts), everyone else's keeps working, and the
// revocation is in the audit log with who, whose link and why. A new link for the person now in charge
// goes out with the next email, or at once with the "remind now" action.
import type { Lang } from '../i18n';
import type { WebContext } from '../server';
import { actorOf, currentUser, DASHBOARD_PREFIX } from './auth';
import { cycleParam, onProgramOf } from './access';
import { DASH } from './i18n';
import { errorPage, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import { invalidPart, langQuery, taskLinkParams, taskLinkResendBody, taskLinkRevokeBody } from './schemas';
import { runAuditedUpdate } from './audited-update';
import { remindNowUpdate } from '../../workflows/messages/agency-obligations';
import { CONTACT_ROLES_FOR_REMINDER } from '../../workflows/obligation-types';
import { refusal } from '../../workflows/refusals';

export const TASK_LINK_REVOKE = 'task-link.revoke';
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_REASON = 2000;

export function registerTaskLinkRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  dash.post(
    '/chu-ky/:cycleId/don-vi/:code/lien-ket/:linkId/thu-hoi',
    {
      config: { access: onProgramOf(cycleParam, 'coordinator') },
      schema: { params: taskLinkParams, querystring: langQuery, body: taskLinkRevokeBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const w = DASH[lang];
      const invalid = invalidPart(request);
      if (invalid === 'params') return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      const cycleId = Number(request.params.cycleId);
      const code = request.params.code;
      const link = await deps.db.prisma.taskLink.findUnique({ where: { id: Number(request.params.linkId) } });
      if (!link || link.cycleId !== cycleId || link.agencyCode !== code) {
        return errorPage(ctx, request, reply, 404, w.notFound, w.unknownLink);
      }
      const reason = (request.body.reason ?? '').trim();
      if (!reason || reason.length > MAX_REASON) {
        return errorPage(ctx, request, reply, 400, w.badRequest, w.revokeReasonRequired);
      }
      if (link.revokedAt) return errorPage(ctx, request, reply, 409, w.refused, w.linkAlreadyRevoked);
      const actor = actorOf(currentUser(request)!);
      // The revocation and its audit event together: one is never recorded without the other.
      const audit = await deps.db.prisma.$transaction(async (tx) => {
        // Conditional: of two coordinators revoking at once, one records it.
        const { count } = await tx.taskLink.updateMany({
          where: { id: link.id, revokedAt: null },
          data: { revokedAt: new Date(), revokedBy: actor, revokedReason: reason },
        });
        if (count === 0) return null;
        return tx.auditEvent.create({
          data: {
            actor,
            action: TASK_LINK_REVOKE,
            subject: `${link.workflowId}:${link.milestone}`,
            details: { outcome: 'done', linkId: link.id, recipient: link.recipient, reason },
          },
        });
      });
      if (!audit) return errorPage(ctx, request, reply, 409, w.refused, w.linkAlreadyRevoked);
      const page = `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/don-vi/${encodeURIComponent(code)}?ket-qua=${audit.id}`;
      return reply.redirect(withLang(`${page}#lien-ket`, lang), 303);
    },
  );

  // A fresh link to one of the agency's people (a new head, a link revoked): the agency workflow's
  // remindNow Update addressed to that person's role, which emails whoever holds it today their own link.
  dash.post(
    '/chu-ky/:cycleId/don-vi/:code/lien-ket/:linkId/gui-lai',
    {
      config: { access: onProgramOf(cycleParam, 'coordinator') },
      schema: { params: taskLinkParams, querystring: langQuery, body: taskLinkResendBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const w = DASH[lang];
      const invalid = invalidPart(request);
      if (invalid === 'params') return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      const cycleId = Number(request.params.cycleId);
      const code = request.params.code;
      const link = await deps.db.prisma.taskLink.findUnique({ where: { id: Number(request.params.linkId) } });
      const to = CONTACT_ROLES_FOR_REMINDER.find((r) => r === link?.role);
      if (!link || link.cycleId !== cycleId || link.agencyCode !== code || !to) {
        return errorPage(ctx, request, reply, 404, w.notFound, w.unknownLink);
      }
      const key = request.body.key ?? '';
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, w.csrfTitle, w.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
      const by = actorOf(currentUser(request)!);
      let auditId: number;
      try {
        auditId = await runAuditedUpdate({
          db: deps.db,
          temporal: deps.temporal,
          actor: by,
          action: 'obligation.remind',
          subject: `${link.workflowId}:${link.milestone}`,
          key,
          workflowId: link.workflowId,
          update: remindNowUpdate,
          updateId: `dashboard:remind:${key}`,
          prepared: { args: { milestone: link.milestone, by, to } },
          details: { linkId: link.id },
          endedRefusal: refusal('workflow-ended', { workflow: 'agency' }, 'the agency’s workflow has ended'),
        });
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
      }
      const page = `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/don-vi/${encodeURIComponent(code)}?ket-qua=${auditId}`;
      return reply.redirect(withLang(`${page}#lien-ket`, lang), 303);
    },
  );
}
