// Refusals as people read them: the code and values a workflow (or a dashboard form) refused with,
// translated through the message catalogs (locales/<lang>/refusals.json, with the portal's own wording
// for agencies in agency-refusals.json). The English message is for operators and logs only.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isRefusalCode, type Refusal, type RefusalCode } from '../workflows/refusals';
import type { Lang } from './lang';
import { formatMessage } from './messages';
import viRefusals from './locales/vi/refusals.json';
import enRefusals from './locales/en/refusals.json';
import viAgencyRefusals from './locales/vi/agency-refusals.json';
import enAgencyRefusals from './locales/en/agency-refusals.json';

/** Who reads the refusal: coordinators and inspectors (dashboard, CLI), or an agency (portal). */
export type Audience = 'staff' | 'agency';

type Catalog = Readonly<Record<string, string>>;

/** The catalogs by language and audience; the agency's catalog words only the codes it words otherwise. */
export const REFUSAL_CATALOGS: Record<Lang, Record<Audience, Catalog>> = {
  vi: { staff: viRefusals, agency: viAgencyRefusals },
  en: { staff: enRefusals, agency: enAgencyRefusals },
};

/** The refusal a workflow answered an Update with (or a failure carried), or undefined for any other error. */
export function refusalOf(err: unknown): Refusal | undefined {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (!(failure instanceof ApplicationFailure) || !isRefusalCode(failure.type)) return undefined;
  const values: unknown = failure.details?.[0];
  return {
    code: failure.type,
    values: values && typeof values === 'object' ? values : {},
    message: failure.message,
  } as Refusal;
}

/** The refusal in the reader's language. */
export function translateRefusal(
  r: { code: RefusalCode; values: object },
  lang: Lang,
  audience: Audience = 'staff',
): string {
  const catalogs = REFUSAL_CATALOGS[lang];
  const source = (audience === 'agency' ? catalogs.agency[r.code] : undefined) ?? catalogs.staff[r.code];
  if (source === undefined) throw new Error(`no ${lang} translation of the refusal "${r.code}"`);
  return formatMessage(lang, source, r.values);
}

/** What an audit event keeps of a refusal: the English message (as before), its code and values. */
export function refusalDetails(r: Refusal): {
  refusal: string;
  refusalCode: RefusalCode;
  refusalValues: object;
} {
  return { refusal: r.message, refusalCode: r.code, refusalValues: r.values };
}

/**
 * A refusal kept in an audit event's details, translated; an event recorded before refusals had codes is
 * shown as stored (its English message). Undefined when the event holds no refusal.
 */
export function storedRefusalText(details: unknown, lang: Lang): string | undefined {
  const d = (details && typeof details === 'object' ? details : {}) as Record<string, unknown>;
  const stored = typeof d.refusal === 'string' ? d.refusal : undefined;
  const values = d.refusalValues;
  if (isRefusalCode(d.refusalCode) && values && typeof values === 'object') {
    try {
      return translateRefusal({ code: d.refusalCode, values }, lang);
    } catch {
      // Values that no longer fit the code's translation (written by another version): the message.
    }
  }
  return stored;
}
