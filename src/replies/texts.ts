// The texts of the email-reply feature (src/i18n/locales/<lang>/replies.json): the paragraph task emails
// end with, and the answers sent to a reply that was held or that needs the portal.
import vi from '../i18n/locales/vi/replies.json';
import en from '../i18n/locales/en/replies.json';
import type { Lang } from '../i18n/lang';
import { formatMessage } from '../i18n/messages';

export type ReplyTextKey = keyof typeof vi;
const CATALOGS: Record<Lang, Record<ReplyTextKey, string>> = { vi, en };

export function replyText(lang: Lang, key: ReplyTextKey, values: object = {}): string {
  return formatMessage(lang, CATALOGS[lang][key], values);
}

/** Why a reply was held (the catalogs' `reason` values). */
export type HeldReason =
  'unknown-sender' | 'auth-failed' | 'no-match' | 'files' | 'no-files' | 'closed' | 'other';

/** The paragraph a task email ends with: what a reply does, and what the portal adds. */
export function taskFooter(lang: Lang, figuresRequired: boolean): string {
  return replyText(lang, 'task-footer', { figures: figuresRequired ? 'required' : 'none' });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The footer as an HTML paragraph. */
export function taskFooterHtml(lang: Lang, figuresRequired: boolean): string {
  return `<p>${escapeHtml(taskFooter(lang, figuresRequired))}</p>`;
}

/** Both languages, the program's first: the body of an answer to a reply. */
export function bilingual(primary: Lang, render: (lang: Lang) => string): string {
  const other: Lang = primary === 'vi' ? 'en' : 'vi';
  return `${render(primary)}\n\n----- ${other === 'en' ? 'English' : 'Tiếng Việt'} -----\n\n${render(other)}`;
}
