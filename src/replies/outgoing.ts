// What makes a task email answerable: its Reply-To sub-address (the code names the email's log row) and the
// paragraph saying what a reply does. Only the emails that ask an agency for something carry them, and only
// to the agency's own people: coordinators and leadership get no reply address (their reply would be held).
import type { ReplyConfig } from '../config/replies';
import type { Lang } from '../i18n/lang';
import type { RecipientRole } from '../programs/types';
import { replyAddress } from './reply-code';
import { taskFooter, taskFooterHtml } from './texts';

/** The obligation and inspection emails that ask the agency to submit something. */
const ANSWERABLE_SLOTS: ReadonlySet<string> = new Set([
  'request',
  'reminder',
  'overdue',
  'escalation',
  'returned',
  'recommendation-reminder',
  'recommendation-overdue',
  'recommendation-escalation',
]);
const AGENCY_ROLES: ReadonlySet<RecipientRole> = new Set(['focal_point', 'head', 'deputy']);

export interface RenderedPair {
  primary: Lang;
  other: Lang;
  main: { text: string; html: string };
  alt: { text: string; html: string };
}

export interface ComposedEmail {
  text: string;
  html: string;
  replyTo?: (notificationId: number) => string | undefined;
}

/**
 * The email's text and HTML in both languages (the program's first), with the reply paragraph and the
 * Reply-To when this slot and recipient take replies.
 */
export function composeTaskEmail(
  replies: ReplyConfig | undefined,
  slot: string,
  role: RecipientRole,
  figuresRequired: boolean,
  { primary, other, main, alt }: RenderedPair,
): ComposedEmail {
  const answerable = !!replies?.address && ANSWERABLE_SLOTS.has(slot) && AGENCY_ROLES.has(role);
  const footer = (lang: Lang) => (answerable ? `\n\n${taskFooter(lang, figuresRequired)}` : '');
  // Each language's HTML is a whole document: the paragraph goes at the end of its body.
  const withFooter = (html: string, lang: Lang) =>
    answerable ? html.replace(/<\/body>/, `${taskFooterHtml(lang, figuresRequired)}\n</body>`) : html;
  return {
    text: `${main.text}${footer(primary)}\n\n----- ${other === 'en' ? 'English' : 'Tiếng Việt'} -----\n\n${alt.text}${footer(other)}`,
    html: `${withFooter(main.html, primary)}<hr>${withFooter(alt.html, other)}`,
    ...(answerable && replies ? { replyTo: (id: number) => replyAddress(replies, id) } : {}),
  };
}
