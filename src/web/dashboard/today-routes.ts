// The "today" page (/quan-ly/hom-nay) and the actions taken from it: accept several submissions at once,
// remind every overdue agency of a milestone, grant or deny an agency's extension request. Each action on
// each obligation goes through the agency workflow's typed Update under the form's one-time key and is
// audited (audited-update.ts), as on the agency page; a denial changes no due date, so it is recorded in
// the audit log only (it ends the request's wait). The outcomes are shown on the page after a 303 redirect
// (?ket-qua=<audit ids>).
import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  acceptUpdate,
  extendUpdate,
  remindNowUpdate,
  type CoordinatorActionBase,
} from '../../workflows/messages/agency-obligations';
import { agencyWorkflowId } from '../../workflows/obligation-types';
import { refusal } from '../../workflows/refusals';
import { refusalDetails, storedRefusalText } from '../../i18n/refusals';
import type { Lang } from '../i18n';
import type { WebContext } from '../server';
import { actorOf, currentUser, READERS, TODAY_PATH, type SessionUser } from './auth';
import { onAllPrograms } from './access';
import { actionArgs } from './actions';
import { runAuditedUpdate } from './audited-update';
import { auditActionLabel, DASH } from './i18n';
import { dashPage, errorPage, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import { flashQuery, invalidPart, langQuery, pageQuery, todayActionBody } from './schemas';
import { DENY_ACTION, loadToday, REQUEST_ACTION, SECTION_LIMIT, sectionsOf } from './today';
import { TODAY } from './today-i18n';

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_REASON = 2000;
/** Updates sent at once by a bulk action (each may wait for its email on the mail queue). */
const PARALLEL = 8;

/** One obligation a bulk action acts on. */
interface Target {
  workflowId: string;
  milestone: string;
}

/** Runs `fn` on each item, at most PARALLEL at a time; the results in the items' order. */
async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL) {
    out.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(fn))));
  }
  return out;
}

const ended = refusal('workflow-ended', { workflow: 'agency' }, 'the agency’s workflow has ended');

export function registerTodayRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;
  const todayDeps = { db: deps.db, temporal: deps.temporal, now: deps.now };

  dash.get(
    '/hom-nay',
    // The day's work spans every program: for users whose scope covers every program (a scoped user is
    // refused until the page filters its items by scope).
    {
      config: { access: onAllPrograms(...READERS) },
      schema: { querystring: flashQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const user = currentUser(request)!;
      const view = await loadToday(todayDeps, user.role, lang);
      const results = await resultsOf(ctx, pageQuery(request, request.query)['ket-qua'], lang);
      const canAct = user.role === 'coordinator' && Boolean(deps.temporal);
      return dashPage(ctx, request, reply, 200, 'dashboard/today', {
        title: TODAY[lang].title,
        tw: TODAY[lang],
        ...view,
        asOfText: TODAY[lang].asOf(view.today),
        recommendations: view.recommendations.map((r) => ({
          ...r,
          overdueText: TODAY[lang].overdueBy(r.overdueDays),
        })),
        sections: sectionsOf(user.role),
        results,
        canAct,
        readOnly: user.role !== 'coordinator',
        key: randomUUID(),
        extensionForms: view.extensions.map((e) => ({ ...e, key: randomUUID() })),
        overdueForms: view.overdue.map((o) => ({
          ...o,
          key: randomUUID(),
          label: TODAY[lang].remindAll(o.count),
        })),
        acceptLimit: SECTION_LIMIT,
      });
    },
  );

  const coordinator = {
    config: { access: onAllPrograms('coordinator') },
    schema: { querystring: langQuery, body: todayActionBody },
    attachValidation: true,
  };

  /** The common checks of an action's form; the user and the form's key, or the page already sent. */
  async function checked(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ user: SessionUser; key: string } | undefined> {
    const w = DASH[request.lang];
    if (invalidPart(request) === 'body') {
      await invalidFormPage(ctx, request, reply);
      return undefined;
    }
    const key = (request.body as { key?: string }).key ?? '';
    if (!KEY.test(key)) {
      await errorPage(ctx, request, reply, 400, w.csrfTitle, w.formExpired);
      return undefined;
    }
    if (!deps.temporal) {
      await errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
      return undefined;
    }
    return { user: currentUser(request)!, key };
  }

  /** Runs one Update on each target under the form's key; redirects to the page with the outcomes. */
  async function runOnEach<A>(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { user: SessionUser; key: string },
    targets: Target[],
    action: 'accept' | 'remind',
    update: UpdateDefinition<A, [CoordinatorActionBase]>,
  ) {
    const w = DASH[request.lang];
    const by = `coordinator:${form.user.login}`;
    let ids: number[];
    try {
      ids = await inBatches(targets, (t) =>
        runAuditedUpdate({
          db: deps.db,
          temporal: deps.temporal!,
          actor: actorOf(form.user),
          action: `obligation.${action}`,
          subject: `${t.workflowId}:${t.milestone}`,
          key: form.key,
          workflowId: t.workflowId,
          update,
          updateId: `dashboard:${action}:${t.milestone}:${form.key}`,
          prepared: { args: { milestone: t.milestone, by } },
          details: { milestone: t.milestone, from: 'today' },
          endedRefusal: ended,
        }),
      );
    } catch (err) {
      request.log.error(err);
      return errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
    }
    return reply.redirect(withLang(`${TODAY_PATH}?ket-qua=${ids.join(',')}`, request.lang), 303);
  }

  // Accept the ticked submissions: fields "s<n>" = "<cycle id>|<agency code>|<milestone>".
  dash.post('/hom-nay/chap-nhan', coordinator, async (request, reply) => {
    const t = TODAY[request.lang];
    const w = DASH[request.lang];
    const form = await checked(request, reply);
    if (!form) return reply;
    const picked = Object.entries(request.body)
      .filter(([name, value]) => /^s\d+$/.test(name) && typeof value === 'string')
      .map(([, value]) => String(value).split('|'));
    if (picked.length === 0) return errorPage(ctx, request, reply, 400, w.badRequest, t.nothingSelected);
    if (picked.length > SECTION_LIMIT) {
      return errorPage(ctx, request, reply, 400, w.badRequest, t.tooMany(SECTION_LIMIT));
    }
    const targets: Target[] = [];
    for (const [cycleId, code, milestone] of picked) {
      const o = await deps.db.prisma.obligation.findFirst({
        where: { cycleId: Number(cycleId) || 0, milestoneKey: milestone ?? '', agency: { code: code ?? '' } },
        include: { cycle: { include: { program: true } }, agency: true },
      });
      if (!o) return errorPage(ctx, request, reply, 404, w.notFound, w.unknownMilestone);
      targets.push({
        workflowId: agencyWorkflowId(o.cycle.program.code, o.cycle.year, o.agency.code),
        milestone: o.milestoneKey,
      });
    }
    return runOnEach(request, reply, form, targets, 'accept', acceptUpdate);
  });

  // Remind now every agency overdue on one milestone of one cycle (the read model's "overdue").
  dash.post('/hom-nay/nhac-qua-han', coordinator, async (request, reply) => {
    const w = DASH[request.lang];
    const form = await checked(request, reply);
    if (!form) return reply;
    const cycleId = Number(request.body.cycle) || 0;
    const milestone = request.body.milestone ?? '';
    const cycle = await deps.db.prisma.cycle.findUnique({
      where: { id: cycleId },
      include: { program: true },
    });
    const overdue = cycle
      ? await deps.db.prisma.obligation.findMany({
          where: { cycleId, milestoneKey: milestone, status: 'overdue' },
          include: { agency: true },
          orderBy: { id: 'asc' },
        })
      : [];
    if (!cycle || overdue.length === 0) {
      return errorPage(ctx, request, reply, 404, w.notFound, w.unknownMilestone);
    }
    const targets = overdue.map((o) => ({
      workflowId: agencyWorkflowId(cycle.program.code, cycle.year, o.agency.code),
      milestone,
    }));
    return runOnEach(request, reply, form, targets, 'remind', remindNowUpdate);
  });

  // Grant (the workflow's `extend` Update) or deny (recorded only) one extension request.
  dash.post('/hom-nay/gia-han', coordinator, async (request, reply) => {
    const lang = request.lang;
    const t = TODAY[lang];
    const w = DASH[lang];
    const form = await checked(request, reply);
    if (!form) return reply;
    const body = request.body;
    const requestId = Number(body.request) || 0;
    const asked = await deps.db.prisma.auditEvent.findFirst({
      where: { id: requestId, action: REQUEST_ACTION },
    });
    if (!asked) return errorPage(ctx, request, reply, 404, w.notFound, t.requestDecided);
    const milestone = asked.subject.slice(asked.subject.lastIndexOf(':') + 1);
    const workflowId = asked.subject.slice(0, asked.subject.lastIndexOf(':'));
    const by = `coordinator:${form.user.login}`;
    const reason = body.reason?.trim() ?? '';
    let auditId: number;
    if (body.decision === 'deny') {
      const denied = await recordDenial(ctx, form.user, form.key, asked, reason);
      if (denied === 'decided') return errorPage(ctx, request, reply, 409, w.refused, t.requestDecided);
      auditId = denied;
    } else if (body.decision === 'grant') {
      try {
        auditId = await runAuditedUpdate({
          db: deps.db,
          temporal: deps.temporal!,
          actor: actorOf(form.user),
          action: 'obligation.extend',
          subject: asked.subject,
          key: form.key,
          workflowId,
          update: extendUpdate,
          updateId: `dashboard:extend:${milestone}:${form.key}`,
          prepared: actionArgs('extend', milestone, by, { until: body.until, reason }),
          details: {
            milestone,
            request: asked.id,
            from: 'today',
            ...(reason ? { reason: reason.slice(0, MAX_REASON) } : {}),
          },
          detailsOfResult: (due) => ({ due }),
          endedRefusal: ended,
        });
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, w.unavailable, w.unavailableBody);
      }
    } else {
      return invalidFormPage(ctx, request, reply);
    }
    return reply.redirect(withLang(`${TODAY_PATH}?ket-qua=${auditId}`, lang), 303);
  });
}

/**
 * A denial of an extension request, in the audit log: refused without a reason, or when the request was
 * decided since the page was shown; the same form sent again returns the outcome already recorded.
 */
async function recordDenial(
  ctx: WebContext,
  user: SessionUser,
  key: string,
  asked: { id: number; subject: string; details: unknown },
  reason: string,
): Promise<number | 'decided'> {
  const db = ctx.deps.db;
  const milestone = asked.subject.slice(asked.subject.lastIndexOf(':') + 1);
  const earlier = await db.prisma.auditEvent.findMany({
    where: {
      subject: asked.subject,
      action: { in: [DENY_ACTION, 'obligation.extend'] },
      id: { gt: asked.id },
    },
    orderBy: { id: 'asc' },
  });
  const same = earlier.find((e) => (e.details as { key?: unknown } | null)?.key === key);
  if (same) return same.id;
  if (earlier.some((e) => (e.details as { outcome?: string } | null)?.outcome === 'done')) return 'decided';
  const problem = !reason
    ? refusal('reason-required', {}, 'a reason is required')
    : reason.length > MAX_REASON
      ? refusal(
          'text-too-long',
          { field: 'reason', limit: MAX_REASON },
          `the reason is longer than ${MAX_REASON} characters`,
        )
      : undefined;
  const { until } = (asked.details ?? {}) as { until?: string };
  const outcome = problem ? { outcome: 'refused', ...refusalDetails(problem) } : { outcome: 'done' };
  const event = await db.prisma.auditEvent.create({
    data: {
      actor: actorOf(user),
      action: DENY_ACTION,
      subject: asked.subject,
      details: { key, milestone, request: asked.id, until, reason: reason.slice(0, MAX_REASON), ...outcome },
    },
  });
  return event.id;
}

/** The outcomes named by `?ket-qua=<id>,<id>…`, as lines: what was done to whom, or why not. */
async function resultsOf(ctx: WebContext, param: string | undefined, lang: Lang) {
  const t = TODAY[lang];
  const ids = (param ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .slice(0, SECTION_LIMIT);
  if (ids.length === 0) return [];
  const events = await ctx.deps.db.prisma.auditEvent.findMany({
    where: { id: { in: ids } },
    orderBy: { id: 'asc' },
  });
  const codes = events.map((e) => /^cycle:[^:]+:\d+:(.+):[^:]+$/.exec(e.subject)?.[1] ?? '');
  const agencies = await ctx.deps.db.prisma.agency.findMany({ where: { code: { in: codes } } });
  const nameOf = (code: string) => {
    const a = agencies.find((x) => x.code === code);
    return a ? (lang === 'en' && a.nameEn ? a.nameEn : a.name) : code;
  };
  return events.map((e, i) => {
    const d = (e.details ?? {}) as { outcome?: string };
    const what = `${auditActionLabel(e.action, lang)} – ${nameOf(codes[i]!)}`;
    if (d.outcome === 'done') return { kind: 'done', text: t.doneItem(what) };
    const why = storedRefusalText(e.details, lang) ?? '';
    return { kind: 'refused', text: t.refusedItem(what, why) };
  });
}
