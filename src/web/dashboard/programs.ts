// The programs in the dashboard (/quan-ly/chuong-trinh): the library (every program, its versions with
// who saved them, when and why, the cycles on each version, the difference between two versions, each
// version's program file to download), and the editor (a new program from a blank starter or a copy, an
// edit of the latest version, an uploaded file opened in the forms), which saves a new immutable version
// only when the form has no problem and nobody saved another version in between (program-form.ts,
// registerProgramVersion's version check). Every role reads; coordinators create, edit and import.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse } from 'yaml';
import { localDate } from '../../cycle/clock';
import { diffPrograms } from '../../programs/diff';
import { programFileData, programFileText } from '../../programs/export';
import { loadPrograms, parseProgram, type LoadedProgram } from '../../programs/load';
import { STARTER_PROGRAM } from '../../programs/starter';
import {
  loadProgramVersion,
  PROGRAM_SAVE_ACTION,
  ProgramVersionConflictError,
  registerProgramVersion,
} from '../../programs/store';
import { renderTemplate } from '../../programs/templates';
import {
  TEMPLATE_VARIABLES,
  TEMPLATE_VARIABLE_NAMES,
  type TemplateValues,
} from '../../programs/template-variables';
import type { ProgramDefinition } from '../../programs/types';
import { formatDate, type Lang } from '../i18n';
import type { WebContext } from '../server';
import { actorOf, currentUser, DASHBOARD_PREFIX, READERS } from './auth';
import { onAllPrograms, onProgramOf, programCodeParam, scopeOf, signedIn } from './access';
import { readUploadForm, verifyMultipartCsrf } from './directory-upload';
import { cycleStatusLabel, DASH } from './i18n';
import { dashPage, errorPage, withLang } from './page';
import { checkForm, formOf, formValues, FORM_FIELDS, type FormCheck, type FormValues } from './program-form';
import { PROG, variableMeaning } from './program-i18n';
import { timelineLegend, timelineRows, timelineSvg } from './program-timeline';
import type { DashboardApp } from './routes';
import {
  invalidPart,
  langQuery,
  pageQuery,
  programParams,
  programQuery,
  programVersionParams,
} from './schemas';

const BASE = `${DASHBOARD_PREFIX}/chuong-trinh`;
/** A program file is some tens of kilobytes (Plan 99: 30 kB); this leaves room, and nothing more. */
export const MAX_PROGRAM_BYTES = 512 * 1024;

function text(value: string | undefined, max = 200): string {
  return value?.trim().slice(0, max) ?? '';
}

function timeText(date: Date, lang: Lang): string {
  const vn = new Date(date.getTime() + 7 * 3600 * 1000).toISOString();
  const day = formatDate(vn.slice(0, 10));
  return lang === 'vi' ? `${vn.slice(11, 16)} ngày ${day}` : `${day} ${vn.slice(11, 16)}`;
}

/** Who saved each version from the dashboard, and why (the audit log); versions loaded from files have none. */
async function savesOf(ctx: WebContext, code: string) {
  const events = await ctx.deps.db.prisma.auditEvent.findMany({
    where: { action: PROGRAM_SAVE_ACTION, subject: `program:${code}` },
    orderBy: { id: 'asc' },
  });
  const byVersion = new Map<number, { actor: string; note: string; at: Date }>();
  for (const e of events) {
    const details = (e.details ?? {}) as { version?: number; note?: string };
    if (typeof details.version === 'number') {
      byVersion.set(details.version, {
        actor: e.actor.replace(/^[^:]*:/, ''),
        note: details.note ?? '',
        at: e.at,
      });
    }
  }
  return byVersion;
}

/** Sample values of every template variable, for the previews. */
function sampleValues(def: ProgramDefinition, lang: Lang, year: number): TemplateValues {
  const values: TemplateValues = {};
  for (const name of TEMPLATE_VARIABLE_NAMES) {
    const kind = TEMPLATE_VARIABLES[name].kind;
    values[name] = kind === 'date' ? `${year}-03-16` : kind === 'number' ? 3 : name;
  }
  return {
    ...values,
    program_title: def.title[lang],
    program_code: def.code,
    document_number: def.document.number,
    document_date: def.document.date,
    issuer_name: def.document.issuer[lang],
    lead_name:
      lang === 'vi' ? 'Sở Văn hóa, Thể thao và Du lịch' : 'Department of Culture, Sports and Tourism',
    year,
    agency_name: lang === 'vi' ? 'Sở Y tế' : 'Department of Health',
    agency_code: 'SO-YT',
    recipient_name: 'Lò Thị Hà',
    milestone_title: def.milestones[0]!.title[lang],
    milestone_key: def.milestones[0]!.key,
    due_date: `${year}-03-16`,
    period_from: `${year - 1}-12-15`,
    period_to: `${year}-06-14`,
    step: 'escalate-head',
    link: 'https://phoihop.dienbien.example/nhiem-vu/…',
    receipt_number: `${year}-000123`,
    submitted_at: `${year}-03-10`,
    reason: lang === 'vi' ? 'Thiếu phụ lục số liệu' : 'The annex of figures is missing',
    note: '',
  };
}

function templatePreviews(def: ProgramDefinition, lang: Lang, year: number) {
  const t = PROG[lang];
  return Object.entries(def.templates).map(([name, template]) => ({
    name,
    heading: t.previewOf(name),
    languages: (['vi', 'en'] as const).map((l) => {
      try {
        const email = renderTemplate(template, l, sampleValues(def, l, year));
        return { lang: l, subject: email.subject, text: email.text };
      } catch (error) {
        return { lang: l, failed: t.previewFailed((error as Error).message) };
      }
    }),
  }));
}

export function registerProgramRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;
  // The list: every signed-in user, showing the programs of their scope. A program's pages: its readers.
  // Writing (new, copy, edit, save, import): a coordinator of every program, since a program's code and lead
  // (what scopes name) are what the form changes.
  const listed = { config: { access: signedIn }, attachValidation: true };
  const readers = { config: { access: onProgramOf(programCodeParam, ...READERS) }, attachValidation: true };
  const coordinators = { config: { access: onAllPrograms('coordinator') }, attachValidation: true };
  const thisYear = () => Number(localDate((deps.now ?? Date.now)()).slice(0, 4));

  dash.get('/chuong-trinh', { ...listed, schema: { querystring: langQuery } }, async (request, reply) => {
    const lang = request.lang;
    const t = PROG[lang];
    const scope = await scopeOf(request, deps.db);
    const programs = await deps.db.prisma.program.findMany({
      where: scope.all ? {} : { id: { in: [...scope.programIds] } },
      orderBy: { code: 'asc' },
      include: { versions: { orderBy: { version: 'desc' }, take: 1 } },
    });
    const stored = new Set(programs.map((p) => p.code));
    const seeds = loadPrograms().filter((p) => !stored.has(p.definition.code));
    const canEdit = currentUser(request)?.role === 'coordinator' && scope.all;
    return dashPage(ctx, request, reply, 200, 'dashboard/programs', {
      title: t.title,
      pw: t,
      canEdit,
      programs: programs.map((p) => {
        const latest = p.versions[0];
        const def = latest?.definition as ProgramDefinition | undefined;
        return {
          code: p.code,
          title: def?.title[lang] ?? p.title,
          document: def?.document.number ?? '',
          latest: latest?.version,
          url: withLang(`${BASE}/${encodeURIComponent(p.code)}`, lang),
          copyUrl: withLang(`${BASE}/moi?tu=${encodeURIComponent(p.code)}`, lang),
          copyLabel: t.newCopy(def?.title[lang] ?? p.title),
        };
      }),
      seeds: seeds.map((s) => ({
        code: s.definition.code,
        title: s.definition.title[lang],
        document: s.definition.document.number,
        editUrl: withLang(`${BASE}/moi?tep=${encodeURIComponent(s.definition.code)}`, lang),
      })),
      blankUrl: withLang(`${BASE}/moi`, lang),
      importAction: withLang(`${BASE}/nhap`, lang),
    });
  });

  dash.get(
    '/chuong-trinh/:code',
    { ...readers, schema: { params: programParams, querystring: programQuery } },
    async (request, reply) => {
      const lang = request.lang;
      const t = PROG[lang];
      const w = DASH[lang];
      const code = request.params.code;
      const program = await deps.db.prisma.program.findUnique({
        where: { code },
        include: {
          versions: { orderBy: { version: 'desc' }, include: { cycles: { orderBy: { year: 'asc' } } } },
        },
      });
      if (!program || program.versions.length === 0) {
        return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      }
      const saves = await savesOf(ctx, code);
      const query = pageQuery(request, request.query);
      const numbers = program.versions.map((v) => v.version);
      const wanted = (value: string | undefined, fallback: number) => {
        const n = Number(value);
        return numbers.includes(n) ? n : fallback;
      };
      const to = wanted(query.den, numbers[0]!);
      const from = wanted(query.tu, numbers[1] ?? numbers[0]!);
      let diff:
        | { heading: string; rows: { path: string; kind: string; before: string; after: string }[] }
        | undefined;
      if (query.tu !== undefined || query.den !== undefined) {
        const a = await loadProgramVersion(deps.db, { code, version: from });
        const b = await loadProgramVersion(deps.db, { code, version: to });
        diff = {
          heading: t.diffTitle(from, to),
          rows: diffPrograms(a.definition, b.definition).map((c) => ({
            path: c.path,
            kind: t[c.kind],
            before: c.before ?? '',
            after: c.after ?? '',
          })),
        };
      }
      const savedVersion = Number(query['da-luu']);
      const latestDef = program.versions[0]!.definition as ProgramDefinition;
      return dashPage(ctx, request, reply, 200, 'dashboard/program', {
        title: `${latestDef.title[lang]} – ${t.title}`,
        pw: t,
        code,
        programTitle: latestDef.title[lang],
        document: latestDef.document.number,
        flash:
          Number.isInteger(savedVersion) && saves.has(savedVersion)
            ? t.saved(savedVersion, saves.get(savedVersion)!.actor)
            : query['khong-doi'] !== undefined && numbers.includes(Number(query['khong-doi']))
              ? t.unchanged(Number(query['khong-doi']))
              : undefined,
        canEdit: currentUser(request)?.role === 'coordinator' && (await scopeOf(request, deps.db)).all,
        editUrl: withLang(`${BASE}/${encodeURIComponent(code)}/sua`, lang),
        copyUrl: withLang(`${BASE}/moi?tu=${encodeURIComponent(code)}`, lang),
        copyLabel: t.newCopy(latestDef.title[lang]),
        compareAction: `${BASE}/${encodeURIComponent(code)}`,
        from,
        to,
        diff,
        versions: program.versions.map((v) => {
          const save = saves.get(v.version);
          return {
            version: v.version,
            at: timeText(save?.at ?? v.createdAt, lang),
            who: save?.actor ?? t.fromFile,
            note: save?.note ?? '',
            hash: v.contentHash.slice(0, 12),
            fileUrl: withLang(`${BASE}/${encodeURIComponent(code)}/phien-ban/${v.version}/tep`, lang),
            cycles: v.cycles.map((c) => ({
              text: t.cycleYear(c.year, cycleStatusLabel(c.status, lang)),
              url: withLang(`${DASHBOARD_PREFIX}/chu-ky/${c.id}`, lang),
            })),
          };
        }),
      });
    },
  );

  dash.get(
    '/chuong-trinh/:code/phien-ban/:version/tep',
    { ...readers, schema: { params: programVersionParams, querystring: langQuery } },
    async (request, reply) => {
      const w = DASH[request.lang];
      const version = Number(request.params.version);
      const code = request.params.code;
      const exists =
        invalidPart(request) !== 'params' &&
        (await deps.db.prisma.programVersion.findFirst({ where: { version, program: { code } } }));
      if (!exists) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      const stored = await loadProgramVersion(deps.db, { code, version });
      const body = programFileText(
        stored.definition,
        `${code}, version ${version} (sha256 ${stored.contentHash}), exported from the phoihop dashboard`,
      );
      return reply
        .header('content-type', 'application/yaml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${code}-v${version}.yaml"`)
        .send(body);
    },
  );

  /** The editor page. */
  function editorPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    opts: {
      values: FormValues;
      base: number | null;
      year: number;
      note?: string;
      check?: FormCheck;
      banner?: { kind: 'error' | 'done' | 'info'; text: string; latestUrl?: string };
    },
  ) {
    const lang = request.lang;
    const t = PROG[lang];
    const check = opts.check ?? checkForm(opts.values, opts.year, lang);
    const loaded = check.loaded;
    const errors = Object.fromEntries(FORM_FIELDS.map((f) => [f, check.errors[f] ?? []]));
    const isNew = opts.base === null;
    return dashPage(ctx, request, reply, status, 'dashboard/program-edit', {
      title: isNew ? t.newTitle : t.editTitle(opts.values.code),
      pw: t,
      isNew,
      basedOn: isNew ? t.basedOnNone : t.basedOn(opts.base!),
      base: opts.base ?? '',
      v: opts.values,
      errors,
      restProblems: check.restProblems,
      banner: opts.banner ?? (check.count > 0 ? { kind: 'error', text: t.notSaved(check.count) } : undefined),
      note: opts.note ?? '',
      year: opts.year,
      action: withLang(`${BASE}/luu`, lang),
      months: Array.from({ length: 12 }, (_, i) => i + 1),
      variables: TEMPLATE_VARIABLE_NAMES.map((name) => {
        const spec = TEMPLATE_VARIABLES[name] as { description: string; slots?: readonly string[] };
        return {
          name,
          code: `{{ ${name} }}`,
          meaning: variableMeaning(name, spec.description, lang),
          only: spec.slots ? t.onlyIn(spec.slots.join(', ')) : '',
        };
      }),
      previews: loaded ? templatePreviews(loaded.definition, lang, opts.year) : [],
      glance: t.glance(opts.year),
      svg: loaded && check.plan ? timelineSvg(loaded.definition, check.plan, lang) : undefined,
      rows: loaded && check.plan ? timelineRows(loaded.definition, check.plan, lang) : [],
      legend: timelineLegend(lang),
      backUrl: withLang(isNew ? BASE : `${BASE}/${encodeURIComponent(opts.values.code)}`, lang),
    });
  }

  const previewYear = (value: string | undefined) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 2001 && n <= 2098 ? n : thisYear() + 1;
  };

  dash.get(
    '/chuong-trinh/moi',
    { ...coordinators, schema: { querystring: programQuery } },
    async (request, reply) => {
      const w = DASH[request.lang];
      const query = pageQuery(request, request.query);
      const year = previewYear(query.nam);
      let source: ProgramDefinition | undefined;
      if (query.tu) {
        const latest = await deps.db.prisma.programVersion.findFirst({
          where: { program: { code: text(query.tu) } },
          orderBy: { version: 'desc' },
        });
        if (!latest) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
        source = (await loadProgramVersion(deps.db, { id: latest.id })).definition;
      } else if (query.tep) {
        source = loadPrograms().find((p) => p.definition.code === query.tep)?.definition;
        if (!source) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
        // The shipped file opens as it is (a seed not yet stored): its own code, no version yet.
        return editorPage(request, reply, 200, { values: formOf(programFileData(source)), base: null, year });
      }
      const values = source
        ? formOf({ ...programFileData(source), code: `${source.code}-ban-sao` })
        : formOf(parse(STARTER_PROGRAM) as Record<string, unknown>);
      return editorPage(request, reply, 200, { values, base: null, year });
    },
  );

  dash.get(
    '/chuong-trinh/:code/sua',
    { ...coordinators, schema: { params: programParams, querystring: programQuery } },
    async (request, reply) => {
      const w = DASH[request.lang];
      const latest = await deps.db.prisma.programVersion.findFirst({
        where: { program: { code: request.params.code } },
        orderBy: { version: 'desc' },
      });
      if (!latest) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      const stored = await loadProgramVersion(deps.db, { id: latest.id });
      const year = previewYear(pageQuery(request, request.query).nam);
      return editorPage(request, reply, 200, {
        values: formOf(programFileData(stored.definition)),
        base: stored.version,
        year,
      });
    },
  );

  /** Reads a multipart form of the editor (or the import): its fields and the uploaded file, if any. */
  async function readEditorForm(request: FastifyRequest, reply: FastifyReply) {
    const form = await readUploadForm(request, 'file', MAX_PROGRAM_BYTES, {
      fields: FORM_FIELDS.length + 8,
      fieldSize: MAX_PROGRAM_BYTES,
    });
    if (!verifyMultipartCsrf(dash, request, reply, form.fields._csrf)) return undefined;
    return form;
  }

  dash.post(
    '/chuong-trinh/luu',
    // Multipart (a program's YAML is larger than a URL-encoded form may be): its CSRF token is checked
    // by readEditorForm once its fields are read.
    {
      ...coordinators,
      schema: { querystring: langQuery },
      config: { ...coordinators.config, multipartCsrf: true },
    },
    async (request, reply) => {
      const lang = request.lang;
      const t = PROG[lang];
      const w = DASH[lang];
      if (!request.isMultipart()) return errorPage(ctx, request, reply, 400, w.badRequest, t.formBroken);
      const form = await readEditorForm(request, reply);
      if (!form) return reply;
      if (form.broken) return errorPage(ctx, request, reply, 400, w.badRequest, t.formBroken);
      const values = formValues(form.fields);
      const baseText = text(form.fields.base, 12);
      const base = baseText === '' ? null : Number(baseText);
      if (base !== null && !(Number.isInteger(base) && base > 0)) {
        return errorPage(ctx, request, reply, 400, w.badRequest, w.formExpired);
      }
      const year = previewYear(form.fields.year);
      const note = text(form.fields.note, 500);
      const check = checkForm(values, year, lang);
      const page = (status: number, banner?: Parameters<typeof editorPage>[3]['banner']) =>
        editorPage(request, reply, status, { values, base, year, note, check, banner });
      if (!check.loaded) return page(422);
      if (form.fields.intent !== 'save') return page(200, { kind: 'info', text: t.checked });
      const loaded: LoadedProgram = check.loaded;
      try {
        const stored = await registerProgramVersion(deps.db, loaded.definition, loaded.hash, {
          expectedLatest: base,
          audit: { actor: actorOf(currentUser(request)!), note, source: base === null ? 'new' : 'edit' },
        });
        const path = `${BASE}/${encodeURIComponent(stored.code)}`;
        const q = stored.created ? `da-luu=${stored.version}` : `khong-doi=${stored.version}`;
        return reply.redirect(withLang(`${path}?${q}`, lang), 303);
      } catch (error) {
        if (!(error instanceof ProgramVersionConflictError)) throw error;
        const latestUrl = withLang(`${BASE}/${encodeURIComponent(error.code)}/sua`, lang);
        if (base === null) return page(409, { kind: 'error', text: t.codeTaken(error.code), latestUrl });
        const saves = await savesOf(ctx, error.code);
        const latest = error.latest!;
        const save = saves.get(latest.version);
        return page(409, {
          kind: 'error',
          text: t.conflict(
            latest.version,
            save?.actor ?? t.fromFile,
            timeText(save?.at ?? latest.createdAt, lang),
          ),
          latestUrl,
        });
      }
    },
  );

  dash.post(
    '/chuong-trinh/nhap',
    {
      ...coordinators,
      schema: { querystring: langQuery },
      config: { ...coordinators.config, multipartCsrf: true },
    },
    async (request, reply) => {
      const lang = request.lang;
      const t = PROG[lang];
      const w = DASH[lang];
      const refuse = (status: number, message: string) =>
        errorPage(ctx, request, reply, status, t.importTitle, message);
      if (!request.isMultipart()) return refuse(400, t.fileRequired);
      const form = await readEditorForm(request, reply);
      if (!form) return reply;
      if (form.broken) return errorPage(ctx, request, reply, 400, w.badRequest, t.formBroken);
      const file = form.file;
      if (!file || file.bytes.length === 0) return refuse(400, t.fileRequired);
      if (file.tooLarge) return refuse(413, t.fileTooLarge(`${MAX_PROGRAM_BYTES / 1024} kB`));
      if (!/\.ya?ml$/i.test(file.name)) return refuse(415, t.fileType(file.name));
      let source: string;
      try {
        source = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes).replace(/^\uFEFF/, '');
      } catch {
        return refuse(400, t.fileNotText);
      }
      // A valid file opens in its resolved form (what saving it stores); any other opens as written, so
      // the forms show each of its problems where it is.
      let data: Record<string, unknown>;
      try {
        data = programFileData(parseProgram(source, file.name).definition);
      } catch {
        try {
          const parsed: unknown = parse(source, { logLevel: 'error' });
          data =
            typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
              ? (parsed as Record<string, unknown>)
              : {};
          if (Object.keys(data).length === 0) return refuse(422, t.yamlNotMapping);
        } catch (error) {
          return refuse(422, t.yamlInvalid((error as Error).message.split('\n')[0]!));
        }
      }
      const values = formOf(data);
      const code = values.code.trim();
      const latest = code
        ? await deps.db.prisma.programVersion.findFirst({
            where: { program: { code } },
            orderBy: { version: 'desc' },
          })
        : null;
      const year = previewYear(form.fields.year);
      const check = checkForm(values, year, lang);
      return editorPage(request, reply, check.loaded ? 200 : 422, {
        values,
        base: latest?.version ?? null,
        year,
        check,
        note: file.name,
      });
    },
  );
}
