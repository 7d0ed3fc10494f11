// The programs' yearly schedules on the dashboard (/quan-ly/lich-khoi-dong): for each program, whether its
// schedule runs or is paused (and why), when it fires next and the cycle that fire starts, what it started;
// and the coordinators' actions with the CLI's rules and code (src/schedule/schedules.ts, as
// `phoihop schedule pause|unpause|trigger|sync`): pause and resume with a note naming who and why, start
// this year's cycle now, create a missing schedule. Each action is audited ("schedule.<action>").
import { randomUUID } from 'node:crypto';
import { formatDate, type Lang } from '../i18n';
import type { WebContext } from '../server';
import { UsageError } from '../../config/usage-error';
import { temporalConfigFromEnv } from '../../config/temporal';
import { computePlan } from '../../cycle/compute-plan';
import { storedRefusalText } from '../../i18n/refusals';
import {
  scheduleState,
  setSchedulePaused,
  syncSchedules,
  triggerSchedule,
  type ScheduleState,
} from '../../schedule/schedules';
import { cycleYearAt, scheduleId } from '../../schedule/timing';
import { refusal, type Refusal } from '../../workflows/refusals';
import { runAuditedAction } from './audited-action';
import { actorOf, currentUser, DASHBOARD_PREFIX, READERS } from './auth';
import { onAnyProgram, onProgramOf, type ProgramResolver } from './access';

/** The program a schedule action's URL names (`:program`, its code), for the access check. */
const scheduleProgram: ProgramResolver = async (request, db) => {
  const code = (request.params as Record<string, string | undefined>).program;
  if (!code) return null;
  return (await db.prisma.program.findUnique({ where: { code }, select: { id: true } }))?.id ?? null;
};
import { dashboardPrograms } from './cycle-start';
import { CYCLE_START, SCHEDULES, type ScheduleAction } from './cycle-start-i18n';
import { DASH } from './i18n';
import { dashPage, errorPage, flashEventOf, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import {
  flashQuery,
  invalidPart,
  langQuery,
  pageQuery,
  scheduleActionBody,
  scheduleActionParams,
} from './schemas';

export const SCHEDULES_PATH = `${DASHBOARD_PREFIX}/lich-khoi-dong`;
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long the page waits for the workflow service. */
const DEADLINE_MS = 5000;
const NOTE_LIMIT = 500;
/** Vietnam's offset from UTC (no daylight saving): a schedule fires at local midnight. */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

const localDay = (iso: string) => new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);

/** A schedule missing on the server (scheduleState's refusal), as opposed to the server not answering. */
function isMissing(err: unknown): boolean {
  return err instanceof UsageError && /^no schedule /.test(err.message);
}

export function registerScheduleRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  dash.get(
    '/lich-khoi-dong',
    {
      config: { access: onAnyProgram(...READERS) },
      schema: { querystring: flashQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const w = SCHEDULES[lang];
      const user = currentUser(request)!;
      const canAct = user.role === 'coordinator' && Boolean(deps.temporal);
      const event = await flashEventOf(ctx, pageQuery(request, request.query));
      let flash: { kind: 'done' | 'refused'; text: string } | undefined;
      if (event && event.action.startsWith('schedule.')) {
        const details = (event.details ?? {}) as { outcome?: string };
        const action = event.action.slice('schedule.'.length) as ScheduleAction;
        flash =
          details.outcome === 'refused'
            ? { kind: 'refused', text: `${w.refused}: ${storedRefusalText(event.details, lang) ?? ''}` }
            : { kind: 'done', text: `${event.subject}: ${w.done[action] ?? ''}` };
      }

      let unavailable = !deps.temporal;
      const rows = [];
      for (const loaded of dashboardPrograms(ctx)) {
        const code = loaded.definition.code;
        let state: ScheduleState | undefined;
        if (deps.temporal && !unavailable) {
          const temporal = deps.temporal;
          try {
            state = await temporal.withDeadline(Date.now() + DEADLINE_MS, () =>
              scheduleState(temporal, code),
            );
          } catch (err) {
            if (!isMissing(err)) {
              request.log.warn({ err, program: code }, 'the schedule could not be read');
              unavailable = true;
            }
          }
        }
        const next = state?.nextFires[0];
        const nextYear = next ? cycleYearAt(Date.parse(next)) : undefined;
        let nextStart = '';
        if (next && nextYear) {
          try {
            nextStart = w.nextStart(nextYear, formatDate(computePlan(loaded, nextYear).startsOn));
          } catch {
            nextStart = ''; // a year the calendar cannot plan: the fire's date alone is shown
          }
        }
        const form = (action: ScheduleAction) =>
          withLang(`${SCHEDULES_PATH}/${encodeURIComponent(code)}/${action}`, lang);
        rows.push({
          code,
          title: loaded.definition.title[lang],
          scheduleId: scheduleId(code),
          known: Boolean(state),
          paused: state?.paused ?? false,
          stateLabel: state ? (state.paused ? w.paused : w.active) : w.missing,
          note: state?.note ?? '',
          nextFire: next ? formatDate(localDay(next)) : w.none,
          nextStart,
          recent: (state?.recent ?? []).map((r) => ({
            at: formatDate(localDay(r.scheduledAt)),
            id: r.workflowId,
          })),
          running: state?.running ?? [],
          forms: {
            pause: form('pause'),
            unpause: form('unpause'),
            trigger: form('trigger'),
            sync: form('sync'),
          },
          key: randomUUID(),
        });
      }
      return dashPage(ctx, request, reply, 200, 'dashboard/schedules', {
        title: w.title,
        w,
        rows,
        flash,
        canAct: canAct && !unavailable,
        unavailable,
        noteLimit: NOTE_LIMIT,
        startUrl: withLang(`${DASHBOARD_PREFIX}/khoi-dong`, lang),
        startLink: CYCLE_START[lang].title,
      });
    },
  );

  dash.post(
    '/lich-khoi-dong/:program/:action',
    {
      config: { access: onProgramOf(scheduleProgram, 'coordinator') },
      schema: { params: scheduleActionParams, querystring: langQuery, body: scheduleActionBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const d = DASH[lang];
      const invalid = invalidPart(request);
      const loaded =
        invalid === 'params'
          ? undefined
          : dashboardPrograms(ctx).find((p) => p.definition.code === request.params.program);
      if (!loaded) return errorPage(ctx, request, reply, 404, d.notFound, d.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      const body = request.body;
      const key = body.key ?? '';
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, d.csrfTitle, d.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      const temporal = deps.temporal;
      const action = request.params.action;
      const code = loaded.definition.code;
      const user = currentUser(request)!;
      const actor = actorOf(user);
      const reason = (body.reason ?? '').trim();
      const problem: Refusal | undefined =
        reason.length > NOTE_LIMIT
          ? refusal('text-too-long', { field: 'reason', limit: NOTE_LIMIT }, 'the reason is too long')
          : action === 'trigger' && body.confirm !== 'on'
            ? refusal('confirm-required', {}, 'the confirmation box was not ticked')
            : undefined;
      const missing = refusal('schedule-missing', { program: code }, `no schedule ${scheduleId(code)}`);
      let auditId: number;
      try {
        auditId = await runAuditedAction({
          db: deps.db,
          actor,
          action: `schedule.${action}`,
          subject: scheduleId(code),
          key,
          details: { program: code, ...(reason ? { reason } : {}) },
          problem,
          act: async () => {
            switch (action) {
              case 'pause':
              case 'unpause':
                // The note as the CLI writes it: why (or the action's name), and who.
                await setSchedulePaused(
                  temporal,
                  code,
                  action === 'pause',
                  `${reason || `${action}d`} (${actor})`,
                );
                return {};
              case 'trigger':
                await triggerSchedule(temporal, code);
                return {};
              case 'sync': {
                const taskQueue = deps.taskQueue ?? temporalConfigFromEnv().taskQueue;
                const { results } = await syncSchedules(temporal, taskQueue, [loaded]);
                return { change: results[0]?.change };
              }
            }
          },
          refusalOf: (err) => (isMissing(err) ? missing : undefined),
        });
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      }
      return reply.redirect(withLang(`${SCHEDULES_PATH}?ket-qua=${auditId}`, lang), 303);
    },
  );
}
