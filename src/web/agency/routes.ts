import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyMultipartBaseOptions } from '@fastify/multipart';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { TaskLinkError, verifyTaskToken, type TaskLinkProblem, type TaskScope } from '../../links/task-link';
import { PROJECT_HOLIDAY_DIR } from '../../calendar/load';
import { localDate } from '../../cycle/clock';
import { isIsoDate } from '../../calendar/dates';
import { UploadBatch, type FileProblem } from '../../files/storage';
import { SUBMISSION_LIMITS, type AttachmentRef } from '../../workflows/obligation-types';
import { formatDate, formatSize, pickLang, refusal, TEXT, type Lang } from '../i18n';
import type { WebContext } from '../server';
import { checkFigures } from './figures';
import { loadTaskView, type TaskView } from './task-page';

/** Statuses in which the agency may submit (again). */
const OPEN_FOR_SUBMISSION = ['requested', 'overdue', 'returned'];
/** Statuses in which the agency may ask for more time (the workflow refuses closed tasks). */
const OPEN_FOR_EXTENSION = ['pending', 'requested', 'overdue', 'returned'];

/** Longest reason for an extension request (characters). */
export const EXTENSION_REASON_LIMIT = 2000;

/** HTTP status per link problem: a link that was never valid, or no longer is. */
const PROBLEM_STATUS: Record<TaskLinkProblem, number> = {
  malformed: 400,
  'bad-signature': 403,
  expired: 410,
  'wrong-scope': 403,
};

/** The form's one-time key: a UUID. */
const FORM_KEY = /^[0-9a-f-]{36}$/;

/** What the person typed, kept to fill the form again when it is refused. */
interface TypedForm {
  key: string;
  submittedBy: string;
  summary: string;
  figures: Record<string, string>;
}

/** The fields and files of a submission form, read from a multipart or URL-encoded body. */
interface ReadForm {
  fields: Record<string, string>;
  files: { name: string; problem: FileProblem }[];
  /** Files chosen, including refused ones and those beyond the limit. */
  fileCount: number;
  /** The parser refused the form as a whole (too many parts, malformed). */
  broken?: 'too-many-files' | 'malformed';
}

/**
 * The agency portal: the task page an email's link opens (/nhiem-vu/<token>), the submission from it
 * (fields, figures, attachments) and extension requests. No accounts: the signed token scopes every
 * request to one cycle, agency and milestone.
 */
export function registerAgencyPortal(app: FastifyInstance, ctx: WebContext): void {
  const { deps, page } = ctx;
  const files = deps.files;

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

  function load(scope: TaskScope, lang: Lang): Promise<TaskView | undefined> {
    return loadTaskView(deps.db, scope, lang, {
      holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
      today: localDate((deps.now ?? Date.now)()),
    });
  }

  /** The task page, with the form filled again and the problems listed when a submission was refused. */
  function taskPage(
    reply: FastifyReply,
    token: string,
    status: number,
    view: TaskView,
    lang: Lang,
    extra: {
      receipt?: string;
      extension?: string;
      typed?: TypedForm;
      problems?: string[];
      reattach?: boolean;
    },
  ): Promise<FastifyReply> {
    const t = TEXT[lang];
    const open = Boolean(deps.temporal) && OPEN_FOR_SUBMISSION.includes(view.statusKey);
    return page(reply, status, 'task', lang, {
      ...view,
      title: view.heading,
      receivedMessage: extra.receipt ? t.received(extra.receipt) : undefined,
      extensionMessage: extra.extension ? t.extensionRecorded(formatDate(extra.extension)) : undefined,
      form: open
        ? {
            key: extra.typed?.key ?? randomUUID(),
            submittedBy: extra.typed?.submittedBy ?? '',
            summary: extra.typed?.summary ?? '',
            figures: view.figureFields.map((f) => ({ ...f, value: extra.typed?.figures[f.key] ?? '' })),
          }
        : undefined,
      problems: extra.problems,
      reattach: extra.reattach,
      extensionForm:
        deps.temporal && OPEN_FOR_EXTENSION.includes(view.statusKey) ? { key: randomUUID() } : undefined,
      extensionAction: `/nhiem-vu/${token}/gia-han${lang === 'en' ? '?lang=en' : ''}`,
      limits: SUBMISSION_LIMITS,
      extensionReasonLimit: EXTENSION_REASON_LIMIT,
      attachmentsHint: t.attachmentsHint(files.maxFiles, formatSize(files.maxFileBytes, lang)),
      maxFiles: files.maxFiles,
    });
  }

  app.get<{
    Params: { token: string };
    Querystring: { lang?: string; receipt?: string; extension?: string };
  }>('/nhiem-vu/:token', async (request, reply) => {
    const lang = pickLang(request.query);
    const t = TEXT[lang];
    const scope = checkedScope(request.params.token);
    if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
    const view = await load(scope, lang);
    if (!view) return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });
    const { receipt, extension } = request.query;
    return taskPage(reply, request.params.token, 200, view, lang, {
      receipt: typeof receipt === 'string' && /^[\w-]{1,200}$/.test(receipt) ? receipt : undefined,
      extension: typeof extension === 'string' && isIsoDate(extension) ? extension : undefined,
    });
  });

  /**
   * Reads the form: fields as text, each attached file streamed into the batch's temp area (checked there:
   * size, emptiness, type by content). Files beyond the limit are read and dropped, so that the whole
   * request is consumed and the page can say how many were chosen.
   */
  async function readForm(request: FastifyRequest, batch: UploadBatch): Promise<ReadForm> {
    const form: ReadForm = { fields: {}, files: [], fileCount: 0 };
    if (!request.isMultipart()) {
      for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
        if (typeof value === 'string') form.fields[name] = value;
      }
      return form;
    }
    try {
      // A file over the size limit is truncated and reported for itself (not thrown: the rest is read).
      const options: FastifyMultipartBaseOptions = {
        limits: { fileSize: files.maxFileBytes, files: 20, fields: 100, fieldSize: 64 * 1024, parts: 120 },
        throwFileSizeLimit: false,
      };
      const parts = request.parts(options as Parameters<FastifyRequest['parts']>[0]);
      for await (const part of parts) {
        if (part.type === 'field') {
          if (typeof part.value === 'string' && !(part.fieldname in form.fields)) {
            form.fields[part.fieldname] = part.value;
          }
          continue;
        }
        // A file input left empty still sends a part: no name, no bytes.
        // A file input left empty still sends a part, with no name and no bytes.
        if (part.fieldname !== 'attachments' || !part.filename) {
          await drain(part.file);
          continue;
        }
        form.fileCount++;
        if (form.fileCount > files.maxFiles) {
          await drain(part.file);
          continue;
        }
        const staged = await batch.receive(part.file, part.filename, () => part.file.truncated);
        if ('problem' in staged) form.files.push({ name: part.filename, problem: staged.problem });
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') form.broken = 'too-many-files';
      else if (code.startsWith('FST_') || /multipart|Part terminated/i.test((err as Error).message)) {
        form.broken = 'malformed';
      } else throw err;
    }
    return form;
  }

  /**
   * A submission from the task page: fields, figures and attachments checked here (the figures against the
   * program's definitions, the files by their content), files stored only when everything is valid, then
   * the workflow's `submit` Update under an Update ID made from the form's one-time key, so a double click
   * or a retry after a timeout makes one submission, not two.
   */
  app.post<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      const scope = checkedScope(request.params.token);
      if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
      if (!deps.temporal) {
        return page(reply, 503, 'error', lang, { heading: t.submitFailed, message: t.tryAgain });
      }
      const view = await load(scope, lang);
      if (!view) return page(reply, 404, 'error', lang, { heading: t.notFound, message: t.notFoundBody });

      const batch = new UploadBatch(files);
      // The reply is sent only once the temp area is clean (a response must not race the clean-up).
      let respond: () => FastifyReply | Promise<FastifyReply>;
      try {
        respond = await submission(scope, view, deps.temporal);
      } finally {
        await batch.discard();
      }
      return respond();

      async function submission(
        scope: TaskScope,
        view: TaskView,
        temporal: Client,
      ): Promise<() => FastifyReply | Promise<FastifyReply>> {
        const form = await readForm(request, batch);
        const text = (name: string) => (form.fields[name] ?? '').trim();
        const typed: TypedForm = {
          key: text('key'),
          submittedBy: text('submittedBy'),
          summary: text('summary'),
          figures: Object.fromEntries(
            view.figureDefinitions.map((f) => [f.key, (form.fields[`figure.${f.key}`] ?? '').slice(0, 100)]),
          ),
        };
        const problems: string[] = [];
        let status = 400;
        const limit = formatSize(files.maxFileBytes, lang);
        if (form.broken === 'too-many-files' || form.fileCount > files.maxFiles) {
          // Past the parser's ceiling the rest of the form is not read: the count is unknown.
          problems.push(
            t.tooManyFiles(files.maxFiles, form.broken === 'too-many-files' ? undefined : form.fileCount),
          );
          status = 413;
        }
        for (const f of form.files) {
          problems.push(t.fileProblem(f.name || '?', f.problem, limit));
          if (f.problem === 'too-big') status = 413;
          else if (status !== 413 && (f.problem === 'unknown-type' || f.problem === 'macros')) status = 415;
        }
        if (form.broken === 'malformed') problems.push(t.formExpired);
        const { submittedBy, summary, key } = typed;
        if (!submittedBy) problems.push(t.fieldRequired(t.submittedBy));
        if (submittedBy.length > SUBMISSION_LIMITS.submittedBy)
          problems.push(t.fieldTooLong(t.submittedBy, SUBMISSION_LIMITS.submittedBy));
        if (!summary) problems.push(t.fieldRequired(t.summary));
        if (summary.length > SUBMISSION_LIMITS.summary)
          problems.push(t.fieldTooLong(t.summary, SUBMISSION_LIMITS.summary));
        const figures = checkFigures(view.figureDefinitions, typed.figures, lang);
        for (const p of figures.problems) problems.push(t.figureProblem(p.label, p.problem));
        if (!FORM_KEY.test(key)) problems.push(t.formExpired);
        if (problems.length > 0) {
          await batch.discard();
          if (!FORM_KEY.test(key) || !OPEN_FOR_SUBMISSION.includes(view.statusKey)) {
            return () =>
              page(reply, status, 'error', lang, {
                heading: t.submitFailed,
                message: problems.join(' '),
              });
          }
          return () =>
            taskPage(reply, request.params.token, status, view, lang, {
              typed,
              problems,
              reattach: form.fileCount > 0,
            });
        }

        const attachments: AttachmentRef[] = await batch.commit();
        const handle = temporal.workflow.getHandle(scope.cycleId);
        let receipt: { receiptNumber: string };
        try {
          receipt = (await handle.executeUpdate('submit', {
            args: [
              {
                milestone: scope.milestone,
                submittedBy,
                summary,
                ...(Object.keys(figures.figures).length > 0 ? { figures: figures.figures } : {}),
                ...(attachments.length > 0 ? { attachments } : {}),
              },
            ],
            updateId: `portal:${scope.milestone}:${key}`,
          })) as { receiptNumber: string };
        } catch (err) {
          // Refused or no such workflow: nothing was recorded, so the files stored for it go too (unless a
          // submission already refers to the same content).
          const stillUsed = async (storagePath: string) =>
            (await deps.db.prisma.attachment.count({ where: { storagePath } })) > 0;
          if (err instanceof WorkflowUpdateFailedError) {
            await batch.rollback(stillUsed);
            const reason = (err.cause as Error | undefined)?.message ?? err.message;
            return () =>
              page(reply, 409, 'error', lang, {
                heading: t.submitRefused,
                message: refusal(reason, lang),
              });
          }
          if (err instanceof WorkflowNotFoundError || /already completed/.test((err as Error).message)) {
            await batch.rollback(stillUsed);
            return () => page(reply, 410, 'error', lang, { heading: t.submitRefused, message: t.taskClosed });
          }
          // Unknown outcome (Temporal unreachable, timeout): the Update may still be recorded, so the files
          // stay (content-addressed: a retry finds them in place).
          request.log.error(err);
          return () => page(reply, 503, 'error', lang, { heading: t.submitFailed, message: t.tryAgain });
        }
        await batch.confirm();
        const query = new URLSearchParams({
          receipt: receipt.receiptNumber,
          ...(lang === 'en' ? { lang } : {}),
        });
        return () => reply.redirect(`/nhiem-vu/${request.params.token}?${query.toString()}`, 303);
      }
    },
  );

  /**
   * An extension request from the task page: the workflow's `requestExtension` Update (the coordinator
   * decides; the due date does not move until then), idempotent by the form's one-time key.
   */
  app.post<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/nhiem-vu/:token/gia-han',
    async (request, reply) => {
      const lang = pickLang(request.query);
      const t = TEXT[lang];
      const scope = checkedScope(request.params.token);
      if (scope instanceof TaskLinkError) return linkProblem(reply, scope, lang);
      if (!deps.temporal) {
        return page(reply, 503, 'error', lang, { heading: t.extensionRefused, message: t.tryAgain });
      }
      const body = (request.isMultipart() ? {} : (request.body ?? {})) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
      const until = text(body.until);
      const reason = text(body.reason);
      const requestedBy = text(body.requestedBy);
      const key = text(body.key);
      const problems: string[] = [];
      if (!isIsoDate(until)) problems.push(`${t.extensionUntil}: ${t.badDate}`);
      if (!reason) problems.push(t.fieldRequired(t.extensionReason));
      if (reason.length > EXTENSION_REASON_LIMIT)
        problems.push(t.fieldTooLong(t.extensionReason, EXTENSION_REASON_LIMIT));
      if (!requestedBy) problems.push(t.fieldRequired(t.requestedBy));
      if (requestedBy.length > SUBMISSION_LIMITS.submittedBy)
        problems.push(t.fieldTooLong(t.requestedBy, SUBMISSION_LIMITS.submittedBy));
      if (!FORM_KEY.test(key)) problems.push(t.formExpired);
      if (problems.length > 0) {
        return page(reply, 400, 'error', lang, { heading: t.extensionRefused, message: problems.join(' ') });
      }
      try {
        await deps.temporal.workflow.getHandle(scope.cycleId).executeUpdate('requestExtension', {
          args: [{ milestone: scope.milestone, until, reason, requestedBy }],
          updateId: `portal-extension:${scope.milestone}:${key}`,
        });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const why = (err.cause as Error | undefined)?.message ?? err.message;
          return page(reply, 409, 'error', lang, {
            heading: t.extensionRefused,
            message: refusal(why, lang),
          });
        }
        if (err instanceof WorkflowNotFoundError || /already completed/.test((err as Error).message)) {
          return page(reply, 410, 'error', lang, { heading: t.extensionRefused, message: t.taskClosed });
        }
        request.log.error(err);
        return page(reply, 503, 'error', lang, { heading: t.extensionRefused, message: t.tryAgain });
      }
      const query = new URLSearchParams({ extension: until, ...(lang === 'en' ? { lang } : {}) });
      return reply.redirect(`/nhiem-vu/${request.params.token}?${query.toString()}`, 303);
    },
  );
}

/** Reads a part to its end and drops it (the parser only moves on once a part is consumed). */
async function drain(stream: Readable): Promise<void> {
  stream.resume();
  await finished(stream);
}
