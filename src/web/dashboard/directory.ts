// The directory in the dashboard (/quan-ly/danh-ba): the agencies in force with their contacts (every
// role reads), contact edits (coordinators; editContact writes the dated revision and the audit event),
// and imports from a CSV/XLSX file: upload → preview (problems by row and column, or the changes) →
// apply exactly the previewed file (importDirectory with `previewed`; refused when the directory changed
// in between). Every POST carries the CSRF token (the upload's is checked in its multipart fields).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { localDate } from '../../cycle/clock';
import { isIsoDate } from '../../calendar/dates';
import { CONTACT_EDIT_ACTION, editContact } from '../../directory/edit-contact';
import { importDirectory } from '../../directory/import';
import { previewDirectoryFile, previewedOf, type DirectoryPreview } from '../../directory/preview';
import { revisionInForce } from '../../directory/revisions';
import { directorySnapshot } from '../../directory/snapshot';
import { REQUIRED_COLUMNS } from '../../directory/csv';
import { parseDirectoryFile } from '../../directory/xlsx';
import { CONTACT_ROLES, DirectoryError, type ContactRole, type DirectoryIssue } from '../../directory/types';
import { foldText } from '../../reports/matrix';
import { formatDate, type Lang } from '../i18n';
import { onAllPrograms, onAnyProgram } from './access';
import type { WebContext } from '../server';
import { actorOf, currentUser, DASHBOARD_PREFIX, READERS } from './auth';
import { agencyFieldLabel, contactRoleLabel, directoryProblem, DIR, sourceName } from './directory-i18n';
import {
  dropUpload,
  keepUpload,
  MAX_DIRECTORY_BYTES,
  readUploadForm,
  takeUpload,
  verifyMultipartCsrf,
  mayApply,
} from './directory-upload';
import { DASH, groupLabel } from './i18n';
import { dashPage, errorPage, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import {
  applyImportBody,
  contactBody,
  directoryAgencyParams,
  directoryAgencyQuery,
  directoryQuery,
  invalidPart,
  langQuery,
  pageQuery,
} from './schemas';

const BASE = `${DASHBOARD_PREFIX}/danh-ba`;
const PAGE_SIZE = 100;
const LIMITS = { name: 200, email: 254, phone: 50 };

type ContactField = 'name' | 'email' | 'phone' | 'effectiveFrom';

/** A contact form sent back with its problems (the values as typed). */
interface EditAttempt {
  role: string;
  currentEmail: string;
  values: Record<ContactField, string>;
  errors: Partial<Record<ContactField | 'general', string>>;
}

function text(value: string | undefined, max = 1000): string {
  return value?.trim().slice(0, max) ?? '';
}

function today(ctx: WebContext): string {
  return localDate((ctx.deps.now ?? Date.now)());
}

function sizeText(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** Where each directory problem goes on the contact form: the field the issue names, else the form. */
function contactErrors(issues: DirectoryIssue[], lang: Lang): EditAttempt['errors'] {
  const errors: EditAttempt['errors'] = {};
  for (const issue of issues) {
    const field = /_(name|email|phone)$/.exec(issue.field ?? '')?.[1] as ContactField | undefined;
    const key = field ?? 'general';
    const message = directoryProblem(issue.message, lang);
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  return errors;
}

/** The rows of the preview's problem table. */
function issueRows(issues: DirectoryIssue[], lang: Lang) {
  return issues.map((issue) => ({
    line: issue.line > 0 ? String(issue.line) : DIR[lang].wholeFile,
    field: issue.field ?? '',
    code: issue.code ?? '',
    message: directoryProblem(issue.message, lang),
  }));
}

export function registerDirectoryRoutes(dash: DashboardApp, ctx: WebContext): void {
  const { deps } = ctx;

  dash.get(
    '/danh-ba',
    {
      config: { access: onAnyProgram(...READERS) },
      schema: { querystring: directoryQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const t = DIR[lang];
      const day = today(ctx);
      const snapshot = await directorySnapshot(deps.db, day);
      const query = pageQuery(request, request.query);
      const q = text(query.q, 100);
      const group = text(query.group, 100);
      const needle = foldText(q);
      const matching = snapshot.agencies.filter(
        (a) =>
          (!group || a.group === group) &&
          (!needle ||
            foldText(a.name).includes(needle) ||
            (a.nameEn !== null && foldText(a.nameEn).includes(needle)) ||
            foldText(a.code).includes(needle)),
      );
      const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
      const wantedPage = Number(text(query.trang) || '1');
      const page = Number.isInteger(wantedPage) && wantedPage >= 1 ? Math.min(wantedPage, pages) : 1;
      const pageUrl = (n: number) => {
        const query = new URLSearchParams({
          ...(q ? { q } : {}),
          ...(group ? { group } : {}),
          trang: String(n),
        });
        return withLang(`${BASE}?${query.toString()}`, lang);
      };
      let flash: string | undefined;
      const appliedId = Number(query['ap-dung']);
      const appliedDate = text(query.ngay, 10);
      if (Number.isInteger(appliedId) && isIsoDate(appliedDate)) {
        const revision = await revisionInForce(deps.db.prisma, appliedDate);
        if (revision?.id === appliedId) {
          flash = t.applied(formatDate(revision.effectiveFrom), revision.agencies.length);
        }
      } else if (query['khong-doi'] === '1') flash = t.appliedNoop;
      return dashPage(ctx, request, reply, 200, 'dashboard/directory', {
        title: t.title,
        dw: t,
        flash,
        q,
        group,
        filtered: Boolean(q || group),
        inForce: t.inForce(formatDate(day)),
        revision: snapshot.revision
          ? t.revision(formatDate(snapshot.revision.effectiveFrom), sourceName(snapshot.revision.source))
          : t.noRevision,
        groups: [...new Set(snapshot.agencies.map((a) => a.group))]
          .sort()
          .map((g) => ({ value: g, label: groupLabel(g, lang) })),
        countText: t.count(matching.length, snapshot.agencies.length),
        agencies: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((a) => ({
          code: a.code,
          name: lang === 'en' && a.nameEn ? a.nameEn : a.name,
          group: groupLabel(a.group, lang),
          contacts: CONTACT_ROLES.map((role) => ({
            role,
            label: contactRoleLabel(role, lang),
            people: a.contacts[role] ?? [],
          })),
        })),
        page,
        pages,
        previousUrl: page > 1 ? pageUrl(page - 1) : undefined,
        nextUrl: page < pages ? pageUrl(page + 1) : undefined,
        canImport: currentUser(request)?.role === 'coordinator',
      });
    },
  );

  /** An agency's page: details and contacts, with edit forms for coordinators. */
  async function agencyPage(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    status: number,
    attempt?: EditAttempt,
    flash?: { kind: 'done' | 'info' | 'error'; text: string },
  ): Promise<FastifyReply> {
    const lang = request.lang;
    const t = DIR[lang];
    const w = DASH[lang];
    const day = today(ctx);
    const snapshot = await directorySnapshot(deps.db, day);
    const agency = snapshot.agencies.find((a) => a.code === code);
    if (!agency) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
    const canEdit = currentUser(request)?.role === 'coordinator';
    const parent = agency.parentCode
      ? snapshot.agencies.find((a) => a.code === agency.parentCode)
      : undefined;
    return dashPage(ctx, request, reply, status, 'dashboard/directory-agency', {
      title: `${agency.name} – ${t.title}`,
      dw: t,
      flash,
      canEdit,
      agency: {
        code: agency.code,
        name: agency.name,
        nameEn: agency.nameEn,
        group: groupLabel(agency.group, lang),
        parent: parent ? `${parent.name} (${parent.code})` : agency.parentCode,
        effectiveFrom: formatDate(agency.effectiveFrom),
        effectiveTo: agency.effectiveTo ? formatDate(agency.effectiveTo) : null,
      },
      action: withLang(`${BASE}/don-vi/${encodeURIComponent(agency.code)}/lien-he`, lang),
      today: day,
      roles: CONTACT_ROLES.map((role) => ({
        role,
        label: contactRoleLabel(role, lang),
        contacts: (agency.contacts[role] ?? []).map((c) => {
          const mine = attempt?.role === role && attempt.currentEmail === c.email ? attempt : undefined;
          return {
            ...c,
            form: mine
              ? { ...mine.values, errors: mine.errors, open: true }
              : {
                  name: c.name,
                  email: c.email,
                  phone: c.phone ?? '',
                  effectiveFrom: '',
                  errors: {},
                  open: false,
                },
          };
        }),
      })),
    });
  }

  dash.get(
    '/danh-ba/don-vi/:code',
    {
      config: { access: onAnyProgram(...READERS) },
      schema: { params: directoryAgencyParams, querystring: directoryAgencyQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const t = DIR[lang];
      const code = request.params.code;
      const query = pageQuery(request, request.query);
      let flash: { kind: 'done' | 'info'; text: string } | undefined;
      const savedId = Number(query['da-luu']);
      if (Number.isInteger(savedId) && savedId > 0) {
        const event = await deps.db.prisma.auditEvent.findUnique({ where: { id: savedId } });
        if (event?.action === CONTACT_EDIT_ACTION && event.subject === `agency:${code}`) {
          const role = (event.details as { role?: string } | null)?.role ?? '';
          flash = { kind: 'done', text: t.saved(`${contactRoleLabel(role, lang)}, ${event.actor}`) };
        }
      } else if (query['khong-doi'] === '1') flash = { kind: 'info', text: t.unchanged };
      return agencyPage(request, reply, code, 200, undefined, flash);
    },
  );

  dash.post(
    '/danh-ba/don-vi/:code/lien-he',
    {
      config: { access: onAllPrograms('coordinator') },
      schema: { params: directoryAgencyParams, querystring: langQuery, body: contactBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const t = DIR[lang];
      if (invalidPart(request) === 'body') return invalidFormPage(ctx, request, reply);
      const body = request.body;
      const code = request.params.code;
      const attempt: EditAttempt = {
        role: text(body.role, 40),
        currentEmail: text(body.currentEmail, 320).toLowerCase(),
        values: {
          name: text(body.name, 2 * LIMITS.name),
          email: text(body.email, 2 * LIMITS.email),
          phone: text(body.phone, 2 * LIMITS.phone),
          effectiveFrom: text(body.effectiveFrom, 40),
        },
        errors: {},
      };
      for (const field of ['name', 'email', 'phone'] as const) {
        if (attempt.values[field].length > LIMITS[field]) attempt.errors[field] = t.tooLong(LIMITS[field]);
      }
      const from = attempt.values.effectiveFrom;
      if (from && !isIsoDate(from)) attempt.errors.effectiveFrom = t.dateInvalid(from);
      if (!(CONTACT_ROLES as readonly string[]).includes(attempt.role)) {
        const w = DASH[lang];
        return errorPage(ctx, request, reply, 400, w.badRequest, w.formExpired);
      }
      const refused = (errors: EditAttempt['errors']) =>
        agencyPage(request, reply, code, 422, { ...attempt, errors }, { kind: 'error', text: t.notSaved });
      if (Object.keys(attempt.errors).length > 0) return refused(attempt.errors);
      try {
        const result = await editContact(
          deps.db,
          {
            code,
            role: attempt.role as ContactRole,
            currentEmail: attempt.currentEmail || undefined,
            name: attempt.values.name,
            email: attempt.values.email,
            phone: attempt.values.phone || null,
            actor: actorOf(currentUser(request)!),
            effectiveFrom: from || undefined,
          },
          new Date((deps.now ?? Date.now)()),
        );
        const path = `${BASE}/don-vi/${encodeURIComponent(result.code)}`;
        const query = result.auditEventId !== null ? `da-luu=${result.auditEventId}` : 'khong-doi=1';
        return reply.redirect(withLang(`${path}?${query}`, lang), 303);
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        return refused(contactErrors(err.issues, lang));
      }
    },
  );

  /** The upload form, with problems of a previous attempt. */
  function importForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    problem?: string,
    effectiveFrom?: string,
  ) {
    const lang = request.lang;
    const t = DIR[lang];
    return dashPage(ctx, request, reply, status, 'dashboard/directory-import', {
      title: t.importTitle,
      dw: t,
      problem,
      effectiveFrom: effectiveFrom ?? today(ctx),
      columns: REQUIRED_COLUMNS.join(', '),
      action: withLang(`${BASE}/nhap`, lang),
    });
  }

  const coordinators = {
    config: { access: onAllPrograms('coordinator') },
    schema: { querystring: langQuery },
    attachValidation: true,
  };
  dash.get('/danh-ba/nhap', coordinators, async (request, reply) => importForm(request, reply, 200));

  dash.post(
    '/danh-ba/nhap',
    // Multipart: its fields are read (and its CSRF token checked) by readUploadForm below.
    { ...coordinators, config: { ...coordinators.config, multipartCsrf: true } },
    async (request, reply) => {
      const lang = request.lang;
      const t = DIR[lang];
      if (!request.isMultipart()) return importForm(request, reply, 400, t.fileRequired);
      const form = await readUploadForm(request, 'file', MAX_DIRECTORY_BYTES);
      if (!verifyMultipartCsrf(dash, request, reply, form.fields._csrf)) return reply;
      const effectiveFrom = text(form.fields.effectiveFrom, 40);
      if (form.broken) return importForm(request, reply, 400, t.formBroken, effectiveFrom);
      const file = form.file;
      if (!file) return importForm(request, reply, 400, t.fileRequired, effectiveFrom);
      if (file.tooLarge) {
        return importForm(request, reply, 413, t.fileTooLarge(sizeText(MAX_DIRECTORY_BYTES)), effectiveFrom);
      }
      // .txt: Excel's "Unicode text" (UTF-16, tab-separated), read as CSV.
      if (!/\.(csv|txt|xlsx)$/i.test(file.name)) {
        return importForm(request, reply, 415, t.fileType(file.name), effectiveFrom);
      }
      if (file.bytes.length === 0) return importForm(request, reply, 400, t.fileEmpty, effectiveFrom);
      if (!effectiveFrom) return importForm(request, reply, 400, t.dateRequired, effectiveFrom);
      if (!isIsoDate(effectiveFrom)) {
        return importForm(request, reply, 400, t.dateInvalid(effectiveFrom), effectiveFrom);
      }
      const preview = await previewDirectoryFile(deps.db, file.bytes, file.name, effectiveFrom);
      const applicable = preview.canApply && !preview.noop;
      const uploadId = applicable
        ? await keepUpload(deps.files.root, file.bytes, {
            fileName: file.name,
            effectiveFrom,
            previewed: previewedOf(preview),
            actor: actorOf(currentUser(request)!),
          })
        : undefined;
      return previewPage(request, reply, preview, file.name, uploadId);
    },
  );

  function previewPage(
    request: FastifyRequest,
    reply: FastifyReply,
    preview: DirectoryPreview,
    fileName: string,
    uploadId: string | undefined,
  ) {
    const lang = request.lang;
    const t = DIR[lang];
    const contact = (c: { name: string; email: string; phone: string | null } | null) =>
      c ? [c.name, c.email, c.phone].filter(Boolean).join(', ') : '';
    return dashPage(ctx, request, reply, preview.canApply ? 200 : 422, 'dashboard/directory-preview', {
      title: t.previewTitle,
      dw: t,
      summary: t.previewOf(fileName, formatDate(preview.effectiveFrom)),
      against: preview.against
        ? t.against(formatDate(preview.against.effectiveFrom), sourceName(preview.against.source))
        : t.againstNone,
      replaces: preview.replacesRevision,
      issues: issueRows(preview.issues, lang),
      problems: preview.issues.length > 0 ? t.problems(preview.issues.length) : undefined,
      noop: preview.canApply && preview.noop,
      added: preview.added.map((a) => ({ ...a, group: groupLabel(a.group, lang) })),
      removed: preview.removed.map((a) => ({ ...a, group: groupLabel(a.group, lang) })),
      changed: preview.changed.map((c) => ({
        code: c.code,
        name: c.name,
        line: c.line,
        fields: c.fields.map((f) => ({
          label: agencyFieldLabel(f.field, lang),
          before: f.field === 'group' && f.before ? groupLabel(f.before, lang) : (f.before ?? ''),
          after: f.field === 'group' && f.after ? groupLabel(f.after, lang) : (f.after ?? ''),
        })),
        contacts: c.contacts.map((k) => ({
          role: contactRoleLabel(k.role, lang),
          kind: t.kind[k.kind] ?? k.kind,
          before: contact(k.before),
          after: contact(k.after),
        })),
      })),
      unchanged: t.unchangedCount(preview.unchanged),
      uploadId,
      applyAction: withLang(`${BASE}/nhap/ap-dung`, lang),
      importUrl: withLang(`${BASE}/nhap`, lang),
    });
  }

  dash.post(
    '/danh-ba/nhap/ap-dung',
    {
      config: { access: onAllPrograms('coordinator') },
      schema: { querystring: langQuery, body: applyImportBody },
      attachValidation: true,
    },
    async (request, reply) => {
      const lang = request.lang;
      const t = DIR[lang];
      if (invalidPart(request) === 'body') return invalidFormPage(ctx, request, reply);
      const id = text(request.body.upload, 64);
      const kept = await takeUpload(deps.files.root, id);
      if (!kept) return errorPage(ctx, request, reply, 410, t.goneTitle, t.goneBody);
      const { bytes, preview } = kept;
      // Someone else's preview stays, for the coordinator who made it.
      if (!mayApply(preview, actorOf(currentUser(request)!))) {
        const who = preview.actor.replace(/^[^:]*:/, '');
        return errorPage(ctx, request, reply, 403, t.notYoursTitle, t.notYoursBody(who));
      }
      try {
        const rows = await parseDirectoryFile(bytes, preview.fileName);
        const result = await importDirectory(deps.db, rows, {
          effectiveFrom: preview.effectiveFrom,
          actor: actorOf(currentUser(request)!),
          source: preview.fileName,
          previewed: preview.previewed,
        });
        await dropUpload(deps.files.root, id);
        const query = result.noop
          ? 'khong-doi=1'
          : `ap-dung=${result.revisionId}&ngay=${result.effectiveFrom}`;
        return reply.redirect(withLang(`${BASE}?${query}`, lang), 303);
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        // The previewed file can never be applied now: it is dropped, and the coordinator previews again.
        await dropUpload(deps.files.root, id);
        const stale = err.issues.some((i) => /since the preview|not the one previewed/.test(i.message));
        if (stale) return errorPage(ctx, request, reply, 409, t.staleTitle, t.staleBody);
        const details = err.issues.map((i) => directoryProblem(i.message, lang)).join(' ');
        return errorPage(ctx, request, reply, 409, t.notApplied, details);
      }
    },
  );
}
