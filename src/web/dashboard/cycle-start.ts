// Starting and cancelling a year's cycle from the dashboard.
// - /quan-ly/khoi-dong: pick a program and a year; the page shows the version the cycle would use, its
//   computed timeline (the same computation as `phoihop cycle plan`) and the agencies the dated directory
//   addresses on the start date (per group; joined and left since last year). A coordinator confirms, and
//   the cycle starts through the CLI's own code (src/cycle/start.ts: the typed workflow, a year runs once).
// - /quan-ly/chu-ky/:cycleId/huy: cancel a running cycle with a reason and a confirmation (src/cycle/cancel.ts).
// Both outcomes are audited ("cycle.start-request", "cycle.cancel"), refusals coded and shown after a 303.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { formatDate, type Lang } from '../i18n';
import type { WebContext } from '../server';
import { temporalConfigFromEnv } from '../../config/temporal';
import { cancelCycle } from '../../cycle/cancel';
import { planEvents, type PlanEvent } from '../../cycle/plan';
import { previewCycle } from '../../cycle/preview';
import { CycleAlreadyStartedError, startCycle } from '../../cycle/start';
import { storedRefusalText, translateRefusal } from '../../i18n/refusals';
import { loadPrograms, PROGRAMS_DIR, type LoadedProgram } from '../../programs/load';
import { cycleWorkflowId } from '../../workflows/cycle-types';
import { refusal, type Refusal } from '../../workflows/refusals';
import { runAuditedAction } from './audited-action';
import { actorOf, currentUser, DASHBOARD_PREFIX, READERS } from './auth';
import { cycleParam, onAllPrograms, onAnyProgram, onProgramOf } from './access';
import { CYCLE_CANCEL, CYCLE_START, type CycleStartWords } from './cycle-start-i18n';
import { DASH, cycleStatusLabel, groupLabel } from './i18n';
import { cycleOfParam, dashPage, errorPage, flashEventOf, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import {
  cycleCancelBody,
  cycleParams,
  cycleStartBody,
  cycleStartQuery,
  flashQuery,
  invalidPart,
  langQuery,
  pageQuery,
} from './schemas';

export const CYCLE_START_PATH = `${DASHBOARD_PREFIX}/khoi-dong`;
export const cycleCancelPath = (cycleId: number | string) => `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/huy`;

/** The cycle's workflow has closed (completed, cancelled, terminated) though its row still says running. */
class CycleEndedError extends Error {}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REASON_LIMIT = 1000;

/** The programs the dashboard offers: the program files the worker runs (WebDeps.programsDir). */
export function dashboardPrograms(ctx: WebContext): LoadedProgram[] {
  return loadPrograms(ctx.deps.programsDir ?? PROGRAMS_DIR);
}

/** A year typed in a form or a query: an integer from 2000 to 2099, or the refusal saying so. */
export function parseYear(value: string | undefined): number | Refusal<'year-invalid'> {
  const text = (value ?? '').trim();
  const year = /^\d{4}$/.test(text) ? Number(text) : NaN;
  return year >= 2000 && year <= 2099
    ? year
    : refusal('year-invalid', { value: text }, `"${text}" is not a year from 2000 to 2099`);
}

/** One line of the timeline table. */
function eventRow(e: PlanEvent, w: CycleStartWords, lang: Lang, titles: Map<string, string>) {
  let detail = '';
  switch (e.what) {
    case 'request':
      detail = e.assignee === 'lead' ? w.toLead : e.groups.map((g) => groupLabel(g, lang)).join(', ');
      break;
    case 'reminder':
      detail = w.before(e.workingDaysBefore);
      break;
    case 'due':
      detail = e.period ? `${formatDate(e.period.from)} – ${formatDate(e.period.to)}` : '';
      break;
    case 'escalation':
      detail = [
        `${w.after(e.afterWorkingDays)}: ${e.recipients.map((r) => w.roles[r] ?? r).join(', ')}`,
        ...(e.flagForReport ? [w.flagged] : []),
      ].join('; ');
  }
  return {
    on: formatDate(e.on),
    iso: e.on,
    what: e.what,
    label: w.events[e.what],
    milestone: titles.get(e.milestone) ?? e.milestone,
    detail,
  };
}

/** The text of a start or cancel outcome shown after the redirect. */
function flashOf(
  event: { action: string; details: unknown } | null,
  action: string,
  lang: Lang,
  done: string,
  refused: string,
) {
  if (!event || event.action !== action) return undefined;
  const details = (event.details ?? {}) as { outcome?: string };
  return details.outcome === 'refused'
    ? { kind: 'refused' as const, text: `${refused}: ${storedRefusalText(event.details, lang) ?? ''}` }
    : { kind: 'done' as const, text: done };
}

export function registerCycleStartRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  dash.get(
    '/khoi-dong',
    {
      config: { access: onAnyProgram(...READERS) },
      schema: { querystring: cycleStartQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const w = CYCLE_START[lang];
      const query = pageQuery(request, request.query);
      const programs = dashboardPrograms(ctx);
      const user = currentUser(request)!;
      const canStart = user.role === 'coordinator';

      const event = await flashEventOf(ctx, query);
      const flashDetails = (event?.details ?? {}) as { program?: string; year?: number };
      const flash = flashOf(
        event,
        'cycle.start-request',
        lang,
        w.started(flashDetails.program ?? '', flashDetails.year ?? 0),
        w.refused,
      );

      const chosen = programs.find((p) => p.definition.code === query.program) ?? programs[0];
      const yearValue = query.year ?? (event ? String(flashDetails.year ?? '') : '');
      const parsed = yearValue ? parseYear(yearValue) : new Date().getFullYear() + 1;
      let preview: Record<string, unknown> | undefined;
      let problem: string | undefined;
      if (typeof parsed !== 'number') problem = translateRefusal(parsed, lang);
      else if (query.program !== undefined && !programs.some((p) => p.definition.code === query.program)) {
        problem = translateRefusal(
          refusal('program-unknown', { program: query.program }, `no program ${query.program}`),
          lang,
        );
      } else if (chosen && (query.program !== undefined || event)) {
        const p = await previewCycle(deps.db, chosen, parsed);
        const titles = new Map(chosen.definition.milestones.map((m) => [m.key, m.title[lang]]));
        const existing = await deps.db.prisma.cycle.findFirst({
          where: { year: parsed, program: { code: chosen.definition.code } },
        });
        preview = {
          program: chosen.definition.code,
          title: chosen.definition.title[lang],
          document: chosen.definition.document.number,
          year: parsed,
          period: w.period(formatDate(p.plan.startsOn), formatDate(p.plan.endsOn)),
          version: p.version.stored
            ? w.versionStored(p.version.number, formatDate(p.version.storedAt!.toISOString()))
            : w.versionNew(p.version.number),
          hash: p.version.hash,
          shortHash: p.version.hash.slice(0, 12),
          versions: p.versions.map((v) => ({
            number: v.number,
            at: formatDate(v.createdAt.toISOString()),
            hash: v.hash.slice(0, 12),
            current: v.hash === p.version.hash,
          })),
          events: planEvents(p.plan).map((e) => eventRow(e, w, lang, titles)),
          agenciesTitle: w.agencies(formatDate(p.plan.startsOn)),
          groups: p.groups.map((g) => ({ ...g, label: groupLabel(g.group, lang) })),
          total: p.agencies.length,
          joinedTitle: w.joined(p.previous.year),
          leftTitle: w.left(p.previous.year),
          noChange: w.noChange(p.previous.year),
          joined: p.previous.joined,
          left: p.previous.left,
          existing: existing
            ? {
                url: withLang(`${DASHBOARD_PREFIX}/chu-ky/${existing.id}`, lang),
                status: cycleStatusLabel(existing.status, lang),
              }
            : undefined,
          canConfirm: canStart && !existing && Boolean(deps.temporal) && p.agencies.length > 0,
          key: randomUUID(),
        };
      }
      return dashPage(ctx, request, reply, 200, 'dashboard/cycle-start', {
        title: w.title,
        w,
        programs: programs.map((p) => ({
          code: p.definition.code,
          title: p.definition.title[lang],
          selected: p === chosen,
        })),
        year: typeof parsed === 'number' ? parsed : yearValue,
        preview,
        problem,
        flash,
        canStart,
        noTemporal: canStart && !deps.temporal,
        cyclesUrl: withLang(DASHBOARD_PREFIX, lang),
        schedulesUrl: withLang(`${DASHBOARD_PREFIX}/lich-khoi-dong`, lang),
        actionUrl: withLang(CYCLE_START_PATH, lang),
      });
    },
  );

  dash.post(
    '/khoi-dong',
    {
      config: { access: onAllPrograms('coordinator') },
      schema: { querystring: langQuery, body: cycleStartBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const d = DASH[lang];
      if (invalidPart(request) === 'body') return invalidFormPage(ctx, request, reply);
      const body = request.body;
      const key = body.key ?? '';
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, d.csrfTitle, d.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      const temporal = deps.temporal;
      const code = (body.program ?? '').trim();
      const year = parseYear(body.year);
      const loaded = dashboardPrograms(ctx).find((p) => p.definition.code === code);
      const problem: Refusal | undefined =
        typeof year !== 'number'
          ? year
          : !loaded
            ? refusal('program-unknown', { program: code }, `no program "${code}"`)
            : loaded.hash !== body.version
              ? refusal(
                  'program-version-changed',
                  { program: code },
                  `the program file of ${code} changed since the preview (now ${loaded.hash.slice(0, 12)})`,
                )
              : body.confirm !== 'on'
                ? refusal('confirm-required', {}, 'the confirmation box was not ticked')
                : undefined;
      const y = typeof year === 'number' ? year : 0;
      let auditId: number;
      try {
        auditId = await runAuditedAction({
          db: deps.db,
          actor: actorOf(currentUser(request)!),
          action: 'cycle.start-request',
          subject: cycleWorkflowId(code, y),
          key,
          details: { program: code, year: y, contentHash: body.version ?? '' },
          problem,
          act: async () => {
            const config = {
              ...temporalConfigFromEnv(),
              taskQueue: deps.taskQueue ?? temporalConfigFromEnv().taskQueue,
            };
            const started = await startCycle(temporal, config, {
              program: code,
              year: y,
              programsDir: deps.programsDir,
            });
            return { workflowId: started.workflowId, startsOn: started.startsOn };
          },
          refusalOf: (err) => (err instanceof CycleAlreadyStartedError ? err.refusal : undefined),
        });
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      }
      const back = new URLSearchParams({
        program: code,
        year: String(body.year ?? ''),
        'ket-qua': String(auditId),
      });
      return reply.redirect(withLang(`${CYCLE_START_PATH}?${back.toString()}`, lang), 303);
    },
  );

  dash.get(
    '/chu-ky/:cycleId/huy',
    {
      config: { access: onProgramOf(cycleParam, 'coordinator') },
      schema: { params: cycleParams, querystring: flashQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const w = CYCLE_CANCEL[lang];
      const d = DASH[lang];
      const cycle =
        invalidPart(request) === 'params' ? null : await cycleOfParam(ctx, request.params.cycleId);
      if (!cycle) return errorPage(ctx, request, reply, 404, d.notFound, d.notFoundBody);
      const event = await flashEventOf(ctx, pageQuery(request, request.query));
      const workflowId = cycleWorkflowId(cycle.program.code, cycle.year);
      const flash =
        event && event.subject === workflowId
          ? flashOf(event, 'cycle.cancel', lang, w.done, w.refused)
          : undefined;
      const running = cycle.status === 'running' || cycle.status === 'planned';
      return dashPage(ctx, request, reply, 200, 'dashboard/cycle-cancel', {
        title: `${w.title} ${cycle.program.code} ${cycle.year}`,
        w,
        cycle: {
          program: cycle.program.code,
          title: cycle.program.title,
          year: cycle.year,
          status: cycleStatusLabel(cycle.status, lang),
        },
        flash,
        canCancel: running && Boolean(deps.temporal) && !(flash?.kind === 'done'),
        running,
        key: randomUUID(),
        reasonLimit: REASON_LIMIT,
        matrixUrl: withLang(`${DASHBOARD_PREFIX}/chu-ky/${cycle.id}`, lang),
        actionUrl: withLang(cycleCancelPath(cycle.id), lang),
      });
    },
  );

  dash.post(
    '/chu-ky/:cycleId/huy',
    {
      config: { access: onProgramOf(cycleParam, 'coordinator') },
      schema: { params: cycleParams, querystring: langQuery, body: cycleCancelBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const d = DASH[lang];
      const invalid = invalidPart(request);
      const cycle = invalid === 'params' ? null : await cycleOfParam(ctx, request.params.cycleId);
      if (!cycle) return errorPage(ctx, request, reply, 404, d.notFound, d.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      const body = request.body;
      const key = body.key ?? '';
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, d.csrfTitle, d.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      const temporal = deps.temporal;
      const reason = (body.reason ?? '').trim();
      const ended = refusal('workflow-ended', { workflow: 'cycle' }, "the cycle's workflow has ended");
      const problem: Refusal | undefined =
        cycle.status === 'completed' || cycle.status === 'cancelled'
          ? refusal('cycle-not-running', { status: cycle.status }, `the cycle is ${cycle.status}`)
          : !reason
            ? refusal('reason-required', {}, 'no reason given')
            : reason.length > REASON_LIMIT
              ? refusal('text-too-long', { field: 'reason', limit: REASON_LIMIT }, 'the reason is too long')
              : body.confirm !== 'on'
                ? refusal('confirm-required', {}, 'the confirmation box was not ticked')
                : undefined;
      let auditId: number;
      try {
        auditId = await runAuditedAction({
          db: deps.db,
          actor: actorOf(currentUser(request)!),
          action: 'cycle.cancel',
          subject: cycleWorkflowId(cycle.program.code, cycle.year),
          key,
          details: { cycleId: cycle.id, reason },
          problem,
          act: async () => {
            // A cycle whose workflow has already closed cannot be cancelled: say it has ended.
            const handle = temporal.workflow.getHandle(cycleWorkflowId(cycle.program.code, cycle.year));
            if ((await handle.describe()).status.name !== 'RUNNING') throw new CycleEndedError();
            return {
              workflowId: await cancelCycle(temporal, { program: cycle.program.code, year: cycle.year }),
            };
          },
          refusalOf: (err) =>
            err instanceof CycleEndedError || err instanceof WorkflowNotFoundError ? ended : undefined,
        });
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      }
      return reply.redirect(withLang(`${cycleCancelPath(cycle.id)}?ket-qua=${auditId}`, lang), 303);
    },
  );
}
