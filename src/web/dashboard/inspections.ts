// The inspector's pages: a cycle's inspections (from the read model), one inspection with its
// recommendations and evidence files, and the inspector's (or a coordinator's) actions on it, each through
// the inspection workflow's Update under an Update ID made from the form's one-time key
// ("dashboard:inspection:<action>:<key>": a double click acts once), each outcome, done or refused,
// audited (action "inspection.<action>", subject the workflow ID) and shown after a 303 redirect.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { UpdateDefinition } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIsoDate, type IsoDate } from '../../calendar/dates';
import { INSPECTION_LIMITS } from '../../inspections/types';
import { downloadName } from '../../files/names';
import {
  cancelInspectionUpdate,
  closeRecommendationUpdate,
  recordConclusionUpdate,
  reopenRecommendationUpdate,
  type CancelInspectionInput,
  type CloseRecommendationInput,
  type RecommendationStatus,
  type RecordConclusionInput,
  type ReopenRecommendationInput,
} from '../../workflows/messages/inspection';
import { formatDate, formatSize, type Lang } from '../i18n';
import { cycleParam, inspectionParam, onProgramOf } from './access';
import type { WebContext } from '../server';
import { dashboardConfigFromEnv, temporalWorkflowUrl } from '../../config/dashboard';
import { actorOf, currentUser, DASHBOARD_PREFIX, READERS } from './auth';
import { contentDisposition, resolveInside } from './download';
import {
  INSPECT,
  INSPECTION_ACTIONS,
  inspectionActionLabel,
  inspectionKindLabel,
  inspectionStatusLabel,
  recommendationStatusLabel,
  type InspectionAction,
} from './inspection-i18n';
import { DASH } from './i18n';
import { cycleOfParam, dashPage, errorPage, flashEventOf, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import {
  cycleParams,
  evidenceParams,
  flashQuery,
  inspectionActionBody,
  inspectionActionParams,
  inspectionParams,
  invalidPart,
  langQuery,
  pageQuery,
} from './schemas';
import { formatDateTime } from './agency-page';
import { runAuditedUpdate } from './audited-update';
import { storedRefusalText } from '../../i18n/refusals';
import { refusal, type Refusal } from '../../workflows/refusals';

/** The argument and result of the workflow Update each action calls. */
interface InspectionMessage {
  conclude: { arg: RecordConclusionInput; result: RecommendationStatus[] };
  close: { arg: CloseRecommendationInput; result: void };
  reopen: { arg: ReopenRecommendationInput; result: IsoDate };
  cancel: { arg: CancelInspectionInput; result: void };
}
type Prepared<A extends InspectionAction> = { args: InspectionMessage[A]['arg'] } | { problem: Refusal };

/** The workflow Update each action calls. */
const UPDATE: {
  [A in InspectionAction]: UpdateDefinition<InspectionMessage[A]['result'], [InspectionMessage[A]['arg']]>;
} = {
  conclude: recordConclusionUpdate,
  close: closeRecommendationUpdate,
  reopen: reopenRecommendationUpdate,
  cancel: cancelInspectionUpdate,
};

/** Recommendation lines on the conclusion form at first, and how many more each "more lines" adds. */
export const FORM_LINES = 10;

/** The conclusion form's recommendation lines, as its hidden `lines` field says (10 to the workflow's limit). */
export function formLineCount(body: Body): number {
  const n = Number(body.lines);
  return Number.isInteger(n)
    ? Math.min(Math.max(n, FORM_LINES), INSPECTION_LIMITS.recommendations)
    : FORM_LINES;
}

/** The conclusion form as the inspector filled it: kept when it grows or is refused. */
interface ConclusionEntered {
  lines: number;
  conclusion: string;
  recommendations: { text: string; due: string }[];
}

function conclusionEntered(body: Body, lines: number): ConclusionEntered {
  const field = (v: string | undefined, max: number) => (v ?? '').slice(0, max);
  return {
    lines,
    conclusion: field(body.conclusion, MAX_CONCLUSION),
    recommendations: Array.from({ length: lines }, (_, i) => ({
      text: field(body[`rec${i + 1}`], MAX_TEXT),
      due: field(body[`due${i + 1}`], 10),
    })),
  };
}

/** The conclusion form's fields on the page: its lines (as entered, when kept) and the "more" button. */
function conclusionForm(entered: ConclusionEntered | undefined, w: (typeof INSPECT)[Lang]) {
  const lines = entered?.lines ?? FORM_LINES;
  return {
    formCount: lines,
    formConclusion: entered?.conclusion ?? '',
    formLines: Array.from({ length: lines }, (_, i) => ({
      n: i + 1,
      label: w.recommendationLine(i + 1),
      text: entered?.recommendations[i]?.text ?? '',
      due: entered?.recommendations[i]?.due ?? '',
    })),
    canGrow: lines < INSPECTION_LIMITS.recommendations,
  };
}

/** The form kept in a refused conclusion's audit details, or undefined. */
function enteredOfDetails(details: unknown): ConclusionEntered | undefined {
  const e = (details as { entered?: Partial<ConclusionEntered> } | null | undefined)?.entered;
  if (!e || typeof e.conclusion !== 'string' || !Array.isArray(e.recommendations)) return undefined;
  const recs = e.recommendations.slice(0, INSPECTION_LIMITS.recommendations).map((r) => ({
    text: typeof r?.text === 'string' ? r.text : '',
    due: typeof r?.due === 'string' ? r.due : '',
  }));
  return { lines: Math.max(FORM_LINES, recs.length), conclusion: e.conclusion, recommendations: recs };
}
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_NOTE = 2000;
const MAX_CONCLUSION = 20000;
const MAX_TEXT = 5000;

/** An inspection form's fields (schemas.ts, `inspectionActionBody`): each one string. */
type Body = Record<string, string | undefined>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : undefined);

interface EvidenceFile {
  fileName: string;
  sizeBytes?: number;
  storagePath?: string;
}

function evidenceFiles(json: unknown): EvidenceFile[] {
  if (!Array.isArray(json)) return [];
  return json.filter(
    (e): e is EvidenceFile => typeof e === 'object' && e !== null && typeof e.fileName === 'string',
  );
}

/** The form's fields: the text of a field, trimmed (empty when missing), and the recommendation number. */
interface InspectionForm {
  body: Body;
  by: string;
  text: (v: string | undefined) => string;
  number: number;
}

const problem = (r: Refusal) => ({ problem: r });
const tooLong = (
  field: 'conclusion' | 'note' | 'reason' | 'recommendation',
  limit: number,
  message: string,
) => problem(refusal('text-too-long', { field, limit }, message));
const noNumber = () => problem(refusal('recommendation-number-missing', {}, 'no recommendation number'));

/** A reopen or cancel form's reason, or why it cannot be sent. */
function reasonOf({ body, text }: InspectionForm): { reason: string } | { problem: Refusal } {
  const reason = text(body.reason);
  if (!reason) return problem(refusal('reason-required', {}, 'a reason is required'));
  if (reason.length > MAX_NOTE) {
    return tooLong('reason', MAX_NOTE, `the reason is longer than ${MAX_NOTE} characters`);
  }
  return { reason };
}

/** Each action's argument from the form, or why the form cannot be sent (a refusal, coded as the workflow's are). */
const PREPARE: { [A in InspectionAction]: (form: InspectionForm) => Prepared<A> } = {
  conclude: ({ body, by, text }) => {
    const conclusion = text(body.conclusion);
    if (!conclusion) {
      return problem(refusal('field-required', { field: 'conclusion' }, 'the conclusion text is required'));
    }
    if (conclusion.length > MAX_CONCLUSION) {
      return tooLong(
        'conclusion',
        MAX_CONCLUSION,
        `the conclusion is longer than ${MAX_CONCLUSION} characters`,
      );
    }
    const recommendations: { text: string; dueOn?: string }[] = [];
    for (let i = 1; i <= formLineCount(body); i++) {
      const line = text(body[`rec${i}`]);
      const due = text(body[`due${i}`]);
      if (!line) continue;
      if (line.length > MAX_TEXT) {
        return tooLong('recommendation', MAX_TEXT, `a recommendation is longer than ${MAX_TEXT} characters`);
      }
      if (due && !isIsoDate(due)) {
        return problem(refusal('not-a-date', { value: due }, `"${due}" is not a date (YYYY-MM-DD)`));
      }
      recommendations.push({ text: line, ...(due ? { dueOn: due } : {}) });
    }
    return { args: { conclusion, recommendations, by } };
  },
  close: ({ body, by, text, number }) => {
    if (!Number.isInteger(number) || number < 1) return noNumber();
    const note = text(body.note);
    if (note.length > MAX_NOTE)
      return tooLong('note', MAX_NOTE, `the note is longer than ${MAX_NOTE} characters`);
    return { args: { number, by, ...(note ? { note } : {}) } };
  },
  reopen: (form) => {
    const reason = reasonOf(form);
    if ('problem' in reason) return reason;
    const { number, by } = form;
    if (!Number.isInteger(number) || number < 1) return noNumber();
    return { args: { number, by, reason: reason.reason } };
  },
  cancel: (form) => {
    const reason = reasonOf(form);
    if ('problem' in reason) return reason;
    return { args: { by: form.by, reason: reason.reason } };
  },
};

/** The Update's argument, or why the form cannot be sent (a refusal, coded as the workflow's are). */
export function inspectionArgs<A extends InspectionAction>(action: A, by: string, body: Body): Prepared<A> {
  const text = (v: string | undefined) => v?.trim() ?? '';
  return PREPARE[action]({ body, by, text, number: Number(text(body.number)) });
}

export function registerInspectionRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  /**
   * One inspection's page. `entered`: the conclusion form as the inspector filled it, shown again with
   * more lines (the form's "more lines" button posts it here, nothing recorded).
   */
  async function inspectionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    query: { 'ket-qua'?: string },
    entered?: ConclusionEntered,
  ) {
    const lang = request.lang;
    const w = INSPECT[lang];
    const row =
      id > 0
        ? await deps.db.prisma.inspection.findUnique({
            where: { id },
            include: { agency: true, cycle: true, recommendations: { orderBy: { number: 'asc' } } },
          })
        : null;
    if (!row) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
    const user = currentUser(request)!;
    const canAct = (user.role === 'inspector' || user.role === 'coordinator') && Boolean(deps.temporal);
    const active = row.status !== 'closed' && row.status !== 'cancelled';

    const event = await flashEventOf(ctx, query);
    let flash: { kind: 'done' | 'refused'; text: string } | undefined;
    if (event && event.subject === row.workflowId && event.action.startsWith('inspection.')) {
      const details = (event.details ?? {}) as { outcome?: string };
      const what = inspectionActionLabel(event.action.slice('inspection.'.length), lang);
      if (details.outcome === 'refused') {
        flash = {
          kind: 'refused',
          text: `${w.refused}: ${what}. ${storedRefusalText(event.details, lang) ?? ''}`,
        };
      } else if (details.outcome === 'done') {
        flash = { kind: 'done', text: `${w.done}: ${what}.` };
      }
    }

    const base = `${DASHBOARD_PREFIX}/kiem-tra/${row.id}`;
    return dashPage(ctx, request, reply, 200, 'dashboard/inspection', {
      title: `${w.inspection}: ${row.agency.name}`,
      w,
      inspection: {
        id: row.id,
        agency: row.agency.name,
        code: row.agency.code,
        kind: inspectionKindLabel(row.kind, lang),
        visitOn: formatDate(iso(row.visitOn)!),
        status: row.status,
        statusLabel: inspectionStatusLabel(row.status, lang),
        conclusion: row.conclusion ?? '',
        concludedAt: row.concludedAt ? formatDateTime(row.concludedAt) : '',
        workflowId: row.workflowId,
      },
      recommendations: row.recommendations.map((r) => ({
        number: r.number,
        text: r.text,
        due: formatDate(iso(r.dueOn)!),
        status: r.status,
        statusLabel: recommendationStatusLabel(r.status, lang),
        evidenceSummary: r.evidenceSummary ?? '',
        reportedAt: r.reportedAt ? formatDateTime(r.reportedAt) : '',
        closedBy: r.closedBy ?? '',
        files: evidenceFiles(r.evidence).map((f, i) => ({
          name: downloadName(f.fileName, f.storagePath ?? ''),
          size: typeof f.sizeBytes === 'number' ? formatSize(f.sizeBytes, lang) : '',
          url: `${base}/khuyen-nghi/${r.number}/tep/${i + 1}`,
        })),
        closeKey: canAct && active && r.status === 'reported' ? randomUUID() : undefined,
        reopenKey: canAct && active && r.status !== 'open' ? randomUUID() : undefined,
      })),
      flash,
      canAct,
      readOnly: !canAct,
      ...conclusionForm(
        entered ?? (flash?.kind === 'refused' ? enteredOfDetails(event?.details) : undefined),
        w,
      ),
      concludeKey: canAct && row.status === 'visited' ? randomUUID() : undefined,
      concludeLater:
        canAct && (row.status === 'planned' || row.status === 'noticed')
          ? w.concludeLater(formatDate(iso(row.visitOn)!))
          : undefined,
      cancelKey: canAct && active ? randomUUID() : undefined,
      labels: Object.fromEntries(INSPECTION_ACTIONS.map((a) => [a, inspectionActionLabel(a, lang)])),
      actionBase: base,
      temporalUrl: temporalWorkflowUrl(config, row.workflowId),
      listUrl: withLang(`${DASHBOARD_PREFIX}/chu-ky/${row.cycleId}/kiem-tra`, lang),
    });
  }
  const config = deps.dashboard ?? dashboardConfigFromEnv();
  const cycleReaders = { config: { access: onProgramOf(cycleParam, ...READERS) }, attachValidation: true };
  const readers = { config: { access: onProgramOf(inspectionParam, ...READERS) }, attachValidation: true };

  dash.get(
    '/chu-ky/:cycleId/kiem-tra',
    { ...cycleReaders, schema: { params: cycleParams, querystring: langQuery } },
    async (request, reply) => {
      const lang = request.lang;
      const w = INSPECT[lang];
      const cycle =
        invalidPart(request) === 'params' ? null : await cycleOfParam(ctx, request.params.cycleId);
      if (!cycle) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      const rows = await deps.db.prisma.inspection.findMany({
        where: { cycleId: cycle.id },
        include: { agency: true, recommendations: true },
        orderBy: [{ visitOn: 'asc' }, { id: 'asc' }],
      });
      const inspections = rows.map((r) => {
        const open = r.recommendations
          .filter((x) => x.status !== 'closed')
          .sort((a, b) => a.dueOn.getTime() - b.dueOn.getTime());
        return {
          url: withLang(`${DASHBOARD_PREFIX}/kiem-tra/${r.id}`, lang),
          agency: r.agency.name,
          code: r.agency.code,
          kind: inspectionKindLabel(r.kind, lang),
          visitOn: formatDate(iso(r.visitOn)!),
          status: r.status,
          statusLabel: inspectionStatusLabel(r.status, lang),
          open: open.length,
          total: r.recommendations.length,
          nextDue: open[0] && r.status === 'concluded' ? formatDate(iso(open[0].dueOn)!) : '—',
        };
      });
      return dashPage(ctx, request, reply, 200, 'dashboard/inspections', {
        title: `${w.inspections} ${cycle.year}`,
        w,
        cycle: { id: cycle.id, year: cycle.year, program: cycle.program.code },
        inspections,
        matrixUrl: withLang(`${DASHBOARD_PREFIX}/chu-ky/${cycle.id}`, lang),
      });
    },
  );

  dash.get(
    '/kiem-tra/:inspectionId',
    { ...readers, schema: { params: inspectionParams, querystring: flashQuery } },
    async (request, reply) => {
      const id = invalidPart(request) !== 'params' ? Number(request.params.inspectionId) : 0;
      return inspectionPage(request, reply, id, pageQuery(request, request.query));
    },
  );

  dash.get(
    '/kiem-tra/:inspectionId/khuyen-nghi/:number/tep/:index',
    { ...readers, schema: { params: evidenceParams, querystring: langQuery } },
    async (request, reply) => {
      const w = INSPECT[request.lang];
      const inspectionId = Number(request.params.inspectionId);
      const number = Number(request.params.number);
      const index = Number(request.params.index);
      const rec =
        invalidPart(request) !== 'params' && [inspectionId, number, index].every((n) => n > 0)
          ? await deps.db.prisma.recommendation.findUnique({
              where: { inspectionId_number: { inspectionId, number } },
            })
          : null;
      const file = rec ? evidenceFiles(rec.evidence)[index - 1] : undefined;
      const path = file?.storagePath ? await resolveInside(deps.files.root, file.storagePath) : undefined;
      if (!file || !path) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', contentDisposition(downloadName(file.fileName, path)))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .send(createReadStream(path));
    },
  );

  dash.post(
    '/kiem-tra/:inspectionId/:action',
    {
      config: { access: onProgramOf(inspectionParam, 'inspector', 'coordinator') },
      schema: { params: inspectionActionParams, querystring: langQuery, body: inspectionActionBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang: Lang = request.lang;
      const w = INSPECT[lang];
      const user = currentUser(request)!;
      const invalid = invalidPart(request);
      const { action } = request.params;
      const id = Number(request.params.inspectionId);
      const row =
        invalid !== 'params' && id > 0 ? await deps.db.prisma.inspection.findUnique({ where: { id } }) : null;
      if (!row) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      if (invalid === 'body') return invalidFormPage(ctx, request, reply);
      // Every field is one string (the schema's additionalProperties), which json-schema-to-ts cannot
      // say of an index signature beside named properties.
      const body = request.body as Body;
      const key = body.key ?? '';
      const d = DASH[lang];
      if (!KEY.test(key)) return errorPage(ctx, request, reply, 400, d.csrfTitle, d.formExpired);
      if (!deps.temporal) return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      const temporal = deps.temporal;
      const subject = row.workflowId;
      const auditAction = `inspection.${action}`;
      const by = actorOf(user);
      if (action === 'conclude' && body.more !== undefined) {
        // "More lines": the same form again, as filled, with room for ten more recommendations.
        const lines = Math.min(formLineCount(body) + FORM_LINES, INSPECTION_LIMITS.recommendations);
        return inspectionPage(request, reply, row.id, {}, conclusionEntered(body, lines));
      }
      // Generic in the action, so that the argument and the result are those of the action's Update.
      const run = <A extends InspectionAction>(action: A) =>
        runAuditedUpdate({
          db: deps.db,
          temporal,
          actor: by,
          action: auditAction,
          subject,
          key,
          workflowId: subject,
          update: UPDATE[action],
          updateId: `dashboard:inspection:${action}:${key}`,
          prepared: inspectionArgs(action, by, body),
          ...(action === 'conclude'
            ? { details: { entered: conclusionEntered(body, formLineCount(body)) } }
            : {}),
          endedRefusal: refusal(
            'workflow-ended',
            { workflow: 'inspection' },
            'the inspection’s workflow has ended',
          ),
        });

      let auditId: number;
      try {
        auditId = await run(action);
      } catch (err) {
        request.log.error(err);
        return errorPage(ctx, request, reply, 503, d.unavailable, d.unavailableBody);
      }
      return reply.redirect(withLang(`${DASHBOARD_PREFIX}/kiem-tra/${row.id}?ket-qua=${auditId}`, lang), 303);
    },
  );
}
