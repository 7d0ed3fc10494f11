// The coordinators' email about an agency's extension request: each coordinator of the program is told once
// (notification log), Vietnamese first and English below, with the link to the dashboard's today page where
// the request is granted or denied. The words are in the catalogs (src/i18n/locales/<lang>/coordinator-emails.json).
import type { Database } from '../db/client';
import type { Mailer } from '../mail/mailer';
import type { LinkConfig } from '../config/links';
import { loadProgramVersion } from '../programs/store';
import { DASHBOARD_PREFIX } from '../links/dashboard-paths';
import { formatMessage } from '../i18n/messages';
import type { Lang } from '../i18n/lang';
import { sendOnce, sendToEach, type DeliveryResult } from './notification-log';
import vi from '../i18n/locales/vi/coordinator-emails.json';
import en from '../i18n/locales/en/coordinator-emails.json';

const CATALOG: Record<Lang, Record<keyof typeof vi, string>> = { vi, en };

/** What the agency workflow passes about one extension request. */
export interface ExtensionRequestedInput {
  workflowId: string;
  cycleId: number;
  programVersionId: number;
  year: number;
  agency: { code: string; name: string };
  milestone: string;
  /** The obligation's deadline round (notification steps carry it). */
  round: number;
  /** 1 for the obligation's first request, 2 for the next…: each request is told once. */
  sequence: number;
  due: string;
  until: string;
  reason: string;
  requestedBy: string;
}

export function createExtensionRequestActivities(deps: {
  db: Database;
  mailer: Mailer;
  from: string;
  links: LinkConfig;
}) {
  const { db, mailer, from, links } = deps;
  return {
    /**
     * Tells each coordinator of the program about an agency's extension request: once each (notification
     * log, key `<agency workflow>:<milestone>:extension-request-<n>:<email>`). An address the SMTP server
     * refuses for good is reported, not retried.
     */
    async notifyExtensionRequested(input: ExtensionRequestedInput): Promise<DeliveryResult> {
      const { definition } = await loadProgramVersion(db, { id: input.programVersionId });
      const milestone = definition.milestones.find((m) => m.key === input.milestone);
      const url = `${links.publicUrl}${DASHBOARD_PREFIX}/hom-nay`;
      const values = (lang: Lang, name: string) => ({
        name,
        agency: input.agency.name,
        milestone: milestone?.title[lang] ?? input.milestone,
        year: input.year,
        plan: definition.document.number,
        due: input.due,
        until: input.until,
        requestedBy: input.requestedBy,
        reason: input.reason,
        url,
      });
      const message = (lang: Lang, key: keyof typeof vi, name: string) =>
        formatMessage(lang, CATALOG[lang][key], values(lang, name));
      const step = `${input.milestone}:r${input.round}:extension-requested`;
      return sendToEach(
        definition.coordinators,
        (p) => p.email,
        (person) =>
          sendOnce(db, mailer, from, {
            idempotencyKey: `${input.workflowId}:${input.milestone}:extension-request-${input.sequence}:${person.email.toLowerCase()}`,
            workflowId: input.workflowId,
            step,
            to: person.email,
            subject: `${message('vi', 'extension-requested.subject', person.name)} / ${message('en', 'extension-requested.subject', person.name)}`,
            text: [
              message('vi', 'extension-requested.body', person.name),
              '',
              '----- English -----',
              '',
              message('en', 'extension-requested.body', person.name),
            ].join('\n'),
            cycleId: input.cycleId,
            milestoneKey: input.milestone,
          }),
      );
    },
  };
}
