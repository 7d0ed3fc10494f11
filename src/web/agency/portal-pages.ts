// What the portal's routes share: the task a link's token names (or why it is refused), the task and
// inspection views of today, and the task page itself with its forms (filled again, with their problems,
// when a form was refused).
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { TaskLinkError, verifyTaskToken, type TaskLinkProblem, type TaskScope } from '../../links/task-link';
import { checkTaskLink } from '../../links/issue';
import { linkKeyring } from '../../config/links';
import { ContactsInForce } from '../../directory/contacts';
import { PROJECT_HOLIDAY_DIR } from '../../calendar/load';
import { localDate } from '../../cycle/clock';
import { SUBMISSION_LIMITS } from '../../workflows/obligation-types';
import { formatDate, formatSize, TEXT, type Lang } from '../i18n';
import type { WebContext } from '../server';
import { loadTaskView, type TaskView } from './task-page';
import { loadInspectionView, type InspectionView } from './inspection-view';

/** Statuses in which the agency may submit (again). */
export const OPEN_FOR_SUBMISSION = ['requested', 'overdue', 'returned'];
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
  replaced: 410,
  revoked: 410,
};

/** Inspection stages in which the agency may report a recommendation done. */
const OPEN_INSPECTION = ['planned', 'noticed', 'visited', 'concluded'];

/** A recommendation's number in a URL. */
export const RECOMMENDATION_NUMBER = /^[1-9]\d{0,3}$/;

/** The form's one-time key: a UUID. */
export const FORM_KEY = /^[0-9a-f-]{36}$/;

/** What was typed in a recommendation's report form, kept to fill it again when it is refused. */
export interface TypedReport {
  number: number;
  key: string;
  reportedBy: string;
  summary: string;
}

/** What the person typed, kept to fill the form again when it is refused. */
export interface TypedForm {
  key: string;
  submittedBy: string;
  summary: string;
  figures: Record<string, string>;
}

/** A refused recommendation report, shown again in its form. */
export interface RefusedReport {
  typed: TypedReport;
  problems: string[];
  reattach: boolean;
}

export interface TaskPageExtra {
  receipt?: string;
  /** The receipt is recorded but the workflow has not taken it yet: "the review will follow". */
  pending?: boolean;
  extension?: string;
  typed?: TypedForm;
  problems?: string[];
  reattach?: boolean;
  inspection?: InspectionView;
  reported?: number;
  refusedReport?: RefusedReport;
}

export type PortalPages = ReturnType<typeof portalPages>;

export function portalPages(ctx: WebContext) {
  const { deps, page } = ctx;
  const files = deps.files;
  const viewOptions = () => ({
    holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
    today: localDate((deps.now ?? Date.now)()),
    // The real present: a task page shows it in its cycle's calendar when the cycle has a clock.
    nowMs: (deps.now ?? Date.now)(),
  });

  const contacts = new ContactsInForce(deps.db);

  /**
   * The task a link's token names, or why the link is refused: the token (key, signature, expiry, scope),
   * then the recipient's link it names (revoked, or its recipient no longer a contact), on every use.
   */
  async function checkedScope(token: string): Promise<TaskScope | TaskLinkError> {
    try {
      const scope = verifyTaskToken(token, linkKeyring(deps.links));
      await checkTaskLink(deps.db, contacts, scope, (deps.now ?? Date.now)());
      return scope;
    } catch (err) {
      if (err instanceof TaskLinkError) return err;
      throw err;
    }
  }

  function linkProblem(reply: FastifyReply, err: TaskLinkError, lang: Lang): Promise<FastifyReply> {
    const replaced = err.problem === 'replaced' || err.problem === 'revoked';
    return page(reply, PROBLEM_STATUS[err.problem], 'error', lang, {
      heading: replaced ? TEXT[lang].linkReplaced : TEXT[lang].linkProblem,
      message: TEXT[lang].problems[err.problem],
    });
  }

  /** The portal's error page: a heading and a message. */
  function errorPage(
    reply: FastifyReply,
    status: number,
    lang: Lang,
    heading: string,
    message: string,
  ): Promise<FastifyReply> {
    return page(reply, status, 'error', lang, { heading, message });
  }

  function notFound(reply: FastifyReply, lang: Lang): Promise<FastifyReply> {
    return errorPage(reply, 404, lang, TEXT[lang].notFound, TEXT[lang].notFoundBody);
  }

  function load(scope: TaskScope, lang: Lang): Promise<TaskView | undefined> {
    return loadTaskView(deps.db, scope, lang, viewOptions());
  }

  function loadInspection(scope: TaskScope, lang: Lang): Promise<InspectionView | undefined> {
    return loadInspectionView(deps.db, scope, lang, viewOptions());
  }

  /**
   * The inspection part of the task page: the inspection, its recommendations, and a report form for each
   * open one (filled again, with its problems, when a report was refused).
   */
  function inspectionSection(token: string, inspection: InspectionView, lang: Lang, refused?: RefusedReport) {
    const t = TEXT[lang];
    const open = Boolean(deps.temporal) && OPEN_INSPECTION.includes(inspection.statusKey);
    return {
      ...inspection,
      recommendations: inspection.recommendations.map((r) => {
        const typed = refused?.typed.number === r.number ? refused : undefined;
        return {
          ...r,
          heading: t.recommendationReport(r.number),
          form:
            open && r.statusKey === 'open'
              ? {
                  action: `/nhiem-vu/${token}/kien-nghi/${r.number}${lang === 'en' ? '?lang=en' : ''}`,
                  key: typed?.typed.key ?? randomUUID(),
                  reportedBy: typed?.typed.reportedBy ?? '',
                  summary: typed?.typed.summary ?? '',
                  problems: typed?.problems,
                  reattach: typed?.reattach,
                }
              : undefined,
        };
      }),
    };
  }

  /** The page of an agency that has an inspection but no task of the milestone: the inspection alone. */
  function inspectionOnlyPage(
    reply: FastifyReply,
    token: string,
    status: number,
    inspection: InspectionView,
    lang: Lang,
    extra: { reported?: number; refused?: RefusedReport },
  ): Promise<FastifyReply> {
    const t = TEXT[lang];
    return page(reply, status, 'task', lang, {
      ...inspection.header,
      title: inspection.header.heading,
      noTask: true,
      emails: [],
      submissions: [],
      extensionRequests: [],
      inspection: inspectionSection(token, inspection, lang, extra.refused),
      reportedMessage: extra.reported ? t.recommendationReported(extra.reported) : undefined,
      limits: SUBMISSION_LIMITS,
      attachmentsHint: t.attachmentsHint(files.maxFiles, formatSize(files.maxFileBytes, lang)),
      maxFiles: files.maxFiles,
    });
  }

  /** The task page, with the form filled again and the problems listed when a submission was refused. */
  function taskPage(
    reply: FastifyReply,
    token: string,
    status: number,
    view: TaskView,
    lang: Lang,
    extra: TaskPageExtra,
  ): Promise<FastifyReply> {
    const t = TEXT[lang];
    const open =
      Boolean(deps.temporal) &&
      OPEN_FOR_SUBMISSION.includes(view.statusKey) &&
      !view.receipts.some((r) => r.pending);
    return page(reply, status, 'task', lang, {
      ...view,
      title: view.heading,
      inspection: extra.inspection
        ? inspectionSection(token, extra.inspection, lang, extra.refusedReport)
        : undefined,
      reportedMessage: extra.reported ? t.recommendationReported(extra.reported) : undefined,
      receivedMessage: extra.receipt
        ? (extra.pending ? t.receivedPending : t.received)(extra.receipt)
        : undefined,
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

  return {
    checkedScope,
    linkProblem,
    errorPage,
    notFound,
    load,
    loadInspection,
    taskPage,
    inspectionOnlyPage,
  };
}
