// The year's inspection plan on the dashboard (/quan-ly/chu-ky/:cycleId/ke-hoach-kiem-tra): the cycle's
// proposal with the grounds for each agency, read from the cycle workflow's `inspectionPlan` query (the
// audit log when the workflow service does not answer), and the coordinators' form that edits and
// approves it: the cycle's `approveInspectionPlan` Update under an ID made from the form's one-time key,
// its outcome audited ("inspection-plan.submit") and shown after a 303 redirect.
import { randomUUID } from 'node:crypto';
import { isIsoDate } from '../../calendar/dates';
import { formatDate, type Lang } from '../i18n';
import { cycleParam, onProgramOf } from './access';
import type { WebContext } from '../server';
import { cycleWorkflowId } from '../../workflows/cycle-types';
import {
  approveInspectionPlanUpdate,
  inspectionPlanQuery,
  type ApproveInspectionPlanInput,
  type InspectionPlanState,
} from '../../workflows/messages/annual-cycle';
import {
  formVisitDates,
  INSPECTION_PLAN_DEFAULTS,
  type PlanLine,
  type PlannedVisit,
} from '../../inspections/plan';
import { INSPECTION_KINDS, inspectionWorkflowId } from '../../inspections/types';
import { cachedProgramVersion } from '../read-cache';
import { cachedCycleCalendar } from '../read-cache';
import { isCycleClosed } from './agency-page';
import { PROJECT_HOLIDAY_DIR } from '../../calendar/load';
import { actorOf, currentUser, DASHBOARD_PREFIX, READERS } from './auth';
import { DASH } from './i18n';
import { INSPECT, inspectionKindLabel } from './inspection-i18n';
import { PLAN, planNoteText, planStageLabel, riskReasonText, visitSourceLabel } from './inspection-plan-i18n';
import { inspectionPlanPath } from '../../links/dashboard-paths';
import { cycleOfParam, dashPage, errorPage, flashEventOf, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import { cycleParams, flashQuery, inspectionPlanBody, invalidPart, langQuery, pageQuery } from './schemas';
import { runAuditedUpdate } from './audited-update';
import { storedRefusalText } from '../../i18n/refusals';
import { refusal, type Refusal } from '../../workflows/refusals';

/** Blank lines on the form for agencies the coordinator adds. */
export const ADD_LINES = 5;
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long the page waits for the workflow service before falling back to the audit log. */
const QUERY_DEADLINE_MS = 5000;
const MAX_LINES = 200;

/** The plan form's fields (schemas.ts, `inspectionPlanBody`): each one string. */
type Body = Record<string, string | undefined>;

/** The Update's argument from the form, or why the form cannot be sent (a refusal, coded as the workflow's are). */
export function planArgs(
  by: string,
  body: Body,
): { args: ApproveInspectionPlanInput } | { problem: Refusal } {
  const text = (v: string | undefined) => v?.trim() ?? '';
  const count = Math.min(Number(text(body.lines)) || 0, MAX_LINES);
  const visits: PlanLine[] = [];
  const take = (code: string, kind: string, visitOn: string): Refusal | undefined => {
    const line = visits.length + 1;
    if (!(INSPECTION_KINDS as readonly string[]).includes(kind)) {
      const kinds = INSPECTION_KINDS.join(', ');
      return refusal('visit-bad-kind', { line, code, kinds }, `${code}: the kind must be one of ${kinds}`);
    }
    if (!visitOn) return refusal('visit-date-missing', { code }, `${code}: no visit date`);
    if (!isIsoDate(visitOn)) {
      return refusal(
        'visit-not-a-date',
        { line, code, value: visitOn },
        `visit ${line} (${code}): "${visitOn}" is not a date written YYYY-MM-DD`,
      );
    }
    visits.push({ code, kind: kind as PlanLine['kind'], visitOn });
    return undefined;
  };
  for (let i = 1; i <= count; i++) {
    if (text(body[`include${i}`]) !== 'on') continue;
    const code = text(body[`code${i}`]);
    if (!code) continue;
    const problem = take(code, text(body[`kind${i}`]), text(body[`visit${i}`]));
    if (problem) return { problem };
  }
  for (let j = 1; j <= ADD_LINES; j++) {
    const code = text(body[`addCode${j}`]).toUpperCase();
    if (!code) continue;
    const problem = take(code, text(body[`addKind${j}`]) || 'kiem-tra', text(body[`addVisit${j}`]));
    if (problem) return { problem };
  }
  return { args: { visits, by } };
}

/** One line of the form as entered: an agency's code, the kind and the visit date (kept when refused). */
interface EnteredLine {
  code: string;
  kind: string;
  visitOn: string;
}

/** The form's lines the coordinator kept (included proposals and added agencies), as entered. */
export function enteredLines(body: Body): EnteredLine[] {
  const text = (v: string | undefined) => (v?.trim() ?? '').slice(0, 64);
  const lines: EnteredLine[] = [];
  const count = Math.min(Number(text(body.lines)) || 0, MAX_LINES);
  for (let i = 1; i <= count; i++) {
    const code = text(body[`code${i}`]);
    if (text(body[`include${i}`]) === 'on' && code) {
      lines.push({ code, kind: text(body[`kind${i}`]), visitOn: text(body[`visit${i}`]) });
    }
  }
  for (let j = 1; j <= ADD_LINES; j++) {
    const code = text(body[`addCode${j}`]).toUpperCase();
    if (code) lines.push({ code, kind: text(body[`addKind${j}`]), visitOn: text(body[`addVisit${j}`]) });
  }
  return lines;
}

/** The lines kept in a refused submission's audit details, by code; undefined when there are none. */
function enteredOf(details: unknown): Map<string, EnteredLine> | undefined {
  const lines = (details as { entered?: unknown } | null | undefined)?.entered;
  if (!Array.isArray(lines)) return undefined;
  const byCode = new Map<string, EnteredLine>();
  for (const line of lines as Partial<EnteredLine>[]) {
    if (typeof line?.code !== 'string') continue;
    byCode.set(line.code, {
      code: line.code,
      kind: typeof line.kind === 'string' ? line.kind : '',
      visitOn: typeof line.visitOn === 'string' ? line.visitOn : '',
    });
  }
  return byCode;
}

/** The form's "add an agency" lines: those entered beyond the proposal first, then empty ones. */
function addLinesOf(entered: Map<string, EnteredLine> | undefined, proposed: Set<string>) {
  const added = [...(entered?.values() ?? [])].filter((l) => !proposed.has(l.code)).slice(0, ADD_LINES);
  return Array.from({ length: ADD_LINES }, (_, k) => ({
    n: k + 1,
    code: added[k]?.code ?? '',
    kind: added[k]?.kind ?? '',
    visitOn: added[k]?.visitOn ?? '',
  }));
}

/** The plan as the audit log has it: proposal and approval or lapse (when the workflow cannot be asked). */
async function planFromAudit(ctx: WebContext, subject: string) {
  const events = await ctx.deps.db.prisma.auditEvent.findMany({
    where: {
      subject,
      action: { in: ['inspection-plan.propose', 'inspection-plan.approve', 'inspection-plan.lapse'] },
    },
    orderBy: { id: 'asc' },
  });
  return events.map((e) => ({
    action: e.action,
    at: e.at,
    details: (e.details ?? {}) as Record<string, unknown>,
  }));
}

export function registerInspectionPlanRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  dash.get(
    '/chu-ky/:cycleId/ke-hoach-kiem-tra',
    {
      config: { access: onProgramOf(cycleParam, ...READERS) },
      schema: { params: cycleParams, querystring: flashQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const w = PLAN[lang];
      const i = INSPECT[lang];
      const cycle =
        invalidPart(request) === 'params' ? null : await cycleOfParam(ctx, request.params.cycleId);
      if (!cycle) return errorPage(ctx, request, reply, 404, i.notFound, i.notFoundBody);
      const workflowId = cycleWorkflowId(cycle.program.code, cycle.year);
      const user = currentUser(request)!;

      let plan: InspectionPlanState | null = null;
      if (deps.temporal) {
        const temporal = deps.temporal;
        try {
          plan = await temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
            temporal.workflow.getHandle(workflowId).query(inspectionPlanQuery),
          );
        } catch (err) {
          request.log.warn({ err, workflowId }, 'the inspection plan could not be queried');
        }
      }

      const { definition } = await cachedProgramVersion(deps.db, cycle.programVersionId);
      const titles = new Map(definition.milestones.map((m) => [m.key, m.title[lang]]));
      const title = (key: string) => titles.get(key) ?? key;

      const event = await flashEventOf(ctx, pageQuery(request, request.query));
      let flash: { kind: 'done' | 'refused'; text: string } | undefined;
      if (event && event.subject === workflowId && event.action === 'inspection-plan.submit') {
        const details = (event.details ?? {}) as { outcome?: string };
        flash =
          details.outcome === 'refused'
            ? { kind: 'refused', text: `${w.refused}: ${storedRefusalText(event.details, lang) ?? ''}` }
            : { kind: 'done', text: `${w.done}.` };
      }

      const inspectionRows = await deps.db.prisma.inspection.findMany({
        where: { cycleId: cycle.id },
        select: { id: true, workflowId: true },
      });
      const inspectionUrl = new Map(
        inspectionRows.map((r) => [r.workflowId, withLang(`${DASHBOARD_PREFIX}/kiem-tra/${r.id}`, lang)]),
      );
      // What the coordinator entered when the approval was refused: the form shows it again, not the proposal.
      const entered = flash?.kind === 'refused' ? enteredOf(event?.details) : undefined;
      const calendar = cachedCycleCalendar(cycle.year, deps.holidaysDir ?? PROJECT_HOLIDAY_DIR);
      const formDates = plan
        ? formVisitDates(
            plan.proposed.map((v) => v.visitOn),
            plan.earliestVisitOn,
            calendar,
            plan.settings?.visitsPerDay ?? INSPECTION_PLAN_DEFAULTS.visitsPerDay,
          )
        : [];
      const row = (v: PlannedVisit, n: number, formDate?: string) => ({
        n,
        code: v.agency.code,
        name: v.agency.name,
        source: v.source,
        sourceLabel: visitSourceLabel(v.source, lang),
        score: v.score,
        reasons: v.reasons.map((r) => riskReasonText(r, lang, title)),
        kind: entered ? (entered.get(v.agency.code)?.kind ?? v.kind) : v.kind,
        kindLabel: inspectionKindLabel(v.kind, lang),
        visitOn: formatDate(v.visitOn),
        included: entered ? entered.has(v.agency.code) : true,
        visitValue: (entered ? entered.get(v.agency.code)?.visitOn : undefined) || formDate || v.visitOn,
        url: inspectionUrl.get(inspectionWorkflowId(cycle.program.code, cycle.year, v.agency.code)),
      });
      // A cancelled cycle's workflow keeps the plan it had; nothing can be approved there any more.
      const closed = isCycleClosed(cycle.status);
      const canApprove =
        user.role === 'coordinator' && Boolean(deps.temporal) && plan?.stage === 'proposed' && !closed;
      const kinds = INSPECTION_KINDS.map((k) => ({ value: k, label: inspectionKindLabel(k, lang) }));
      return dashPage(ctx, request, reply, 200, 'dashboard/inspection-plan', {
        title: `${w.title} ${cycle.year}`,
        w,
        cycle: { id: cycle.id, year: cycle.year, program: cycle.program.code },
        workflowId,
        plan: plan
          ? {
              stage: plan.stage,
              stageLabel: planStageLabel(plan.stage, lang),
              proposeOn: formatDate(plan.proposeOn),
              proposedOn: plan.proposedOn ? formatDate(plan.proposedOn) : '',
              visitsFrom: formatDate(plan.visitsFrom),
              earliest: plan.earliestVisitOn ? formatDate(plan.earliestVisitOn) : '',
              settingsText: plan.settings
                ? w.settings(plan.settings.riskLimit, plan.settings.sampleSize, plan.eligibleCount)
                : '',
              waitingText: w.waitingBody(formatDate(plan.proposeOn)),
              proposed: plan.proposed.map((v, n) => row(v, n + 1, formDates[n])),
              approved: (plan.approved ?? []).map((v, n) => row(v, n + 1)),
              approvedBy: plan.approvedBy ?? '',
              approvedOn: plan.approvedOn ? formatDate(plan.approvedOn) : '',
              started: plan.started.length,
              note: planNoteText(plan.note ?? '', lang),
            }
          : null,
        audit: plan
          ? []
          : (await planFromAudit(ctx, workflowId)).map((e) => ({
              action: e.action,
              label:
                e.action === 'inspection-plan.approve'
                  ? planStageLabel('approved', lang)
                  : e.action === 'inspection-plan.lapse'
                    ? planStageLabel('lapsed', lang)
                    : planStageLabel('proposed', lang),
              codes: Array.isArray(e.details.visits)
                ? (e.details.visits as { code?: string; visitOn?: string }[])
                    .map((v) => `${v.code ?? ''}${v.visitOn ? ` (${formatDate(v.visitOn)})` : ''}`)
                    .join(', ')
                : '',
            })),
        flash,
        canApprove,
        approveKey: canApprove ? randomUUID() : undefined,
        readOnly: plan?.stage === 'proposed' && user.role !== 'coordinator' && !closed,
        closedNote: closed && plan?.stage === 'proposed' ? DASH[lang].cycleClosedNote : undefined,
        kinds,
        addLines: addLinesOf(entered, new Set(plan?.proposed.map((v) => v.agency.code) ?? [])),
        matrixUrl: withLang(`${DASHBOARD_PREFIX}/chu-ky/${cycle.id}`, lang),
        inspectionsUrl: withLang(`${DASHBOARD_PREFIX}/chu-ky/${cycle.id}/kiem-tra`, lang),
        actionUrl: withLang(inspectionPlanPath(cycle.id), lang),
      });
    },
  );

  dash.post(
    '/chu-ky/:cycleId/ke-hoach-kiem-tra',
    {
      config: { access: onProgramOf(cycleParam, 'coordinator') },
      schema: { params: cycleParams, querystring: langQuery, body: inspectionPlanBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const i = INSPECT[lang];
      const d = DASH[lang];
      const invalid = invalidPart(request);
      const cycle = invalid === 'params' ? null : await cycleOfParam(ctx, request.params.cycleId);
      if (!cycle) return errorPage(ctx, request, reply, 404, i.notFound, i.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      // Every field is one string (the schema's additionalProperties), which json-schema-to-ts cannot
      // say of an index signature beside named properties.
      const body = request.body as Body;
      const key = body.key ?? '';
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, d.csrfTitle, d.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      const workflowId = cycleWorkflowId(cycle.program.code, cycle.year);
      const by = actorOf(currentUser(request)!);
      let auditId: number;
      try {
        auditId = await runAuditedUpdate({
          db: deps.db,
          temporal: deps.temporal,
          actor: by,
          action: 'inspection-plan.submit',
          subject: workflowId,
          key,
          workflowId,
          update: approveInspectionPlanUpdate,
          updateId: `dashboard:inspection-plan:${key}`,
          prepared: planArgs(by, body),
          details: { entered: enteredLines(body) },
          detailsOfResult: (started) => ({ started: started.length }),
          endedRefusal: refusal('workflow-ended', { workflow: 'cycle' }, "the cycle's workflow has ended"),
        });
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      }
      return reply.redirect(withLang(`${inspectionPlanPath(cycle.id)}?ket-qua=${auditId}`, lang), 303);
    },
  );
}
