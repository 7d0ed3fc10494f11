// Activities of the `inspection` workflow: its emails (program templates, through the notification log)
// and its read model (Inspection and Recommendation rows, idempotent upserts).
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import type { Mailer } from '../mail/mailer';
import { linkKeyring, type LinkConfig } from '../config/links';
import type { IsoDate } from '../calendar/dates';
import { taskUrl } from '../links/task-link';
import { issueTaskLink } from '../links/issue';
import { renderTemplate } from '../programs/templates';
import type { InspectionTemplateSlot } from '../programs/template-variables';
import type { RecipientRole, TemplateValues } from '../programs/types';
import { type InspectionKind, type InspectionStage, type RecommendationState } from '../inspections/types';
import { agencyWorkflowId, type AgencyRef, type AttachmentRef } from '../workflows/obligation-types';
import { sendOnce, sendToEach } from './notification-log';
import { programValues, type NoticeResult, type ObligationContext } from './obligations';
import type { ReplyConfig } from '../config/replies';
import { composeTaskEmail } from '../replies/outgoing';

export interface InspectionNotice {
  workflowId: string;
  cycleId: number;
  programVersionId: number;
  program: string;
  year: number;
  agency: AgencyRef;
  kind: InspectionKind;
  slot: InspectionTemplateSlot;
  /** Unique within the workflow: part of each email's idempotency key. */
  step: string;
  recipients: RecipientRole[];
  visitOn: IsoDate;
  /** Calendar instant (ms) after which the email's link no longer works. */
  linkExpiresAt: number;
  recommendation?: { number: number; text: string; dueOn: IsoDate };
  workingDaysLeft?: number;
  workingDaysLate?: number;
}

const KIND_WORDS: Record<InspectionKind, Record<'vi' | 'en', string>> = {
  'kiem-tra': { vi: 'kiểm tra', en: 'check' },
  'thanh-tra': { vi: 'thanh tra', en: 'inspection' },
};

/** Dates are stored as the calendar day at 00:00 UTC. */
const dayAt = (date: IsoDate) => new Date(`${date}T00:00:00.000Z`);

export function createInspectionActivities(deps: {
  db: Database;
  mailer: Mailer;
  from: string;
  links: LinkConfig;
  context: ObligationContext;
  /** Where replies go (recommendation emails' Reply-To); none: no reply address. */
  replies?: ReplyConfig;
}) {
  const { db, mailer, from, links, context, replies } = deps;

  async function inspectionId(workflowId: string): Promise<number> {
    const row = await db.prisma.inspection.findUnique({ where: { workflowId }, select: { id: true } });
    if (!row) throw ApplicationFailure.retryable(`no Inspection row for ${workflowId} yet`);
    return row.id;
  }

  return {
    /** Renders the program's template for one step and sends it to each recipient, at most once each. */
    async notifyInspection(notice: InspectionNotice): Promise<NoticeResult> {
      const { definition: program } = await context.programVersion(notice.programVersionId);
      const template = program.templates[notice.slot];
      if (!template) {
        throw ApplicationFailure.nonRetryable(
          `program ${program.code} has no template "${notice.slot}" (needed by the inspection workflow)`,
        );
      }
      const lead = await context.agencyInCycle(notice.cycleId, program.lead).catch(() => null);
      // The agency's task page of the program's inspection milestone (its self-assessment report).
      const task = {
        workflowId: agencyWorkflowId(notice.program, notice.year, notice.agency.code),
        cycleId: notice.cycleId,
        agencyCode: notice.agency.code,
        milestone: 'inspection',
      };
      const people = await context.recipients(notice.cycleId, notice.agency.code, notice.recipients, program);
      const agencyId = await context.agencyId(notice.agency.code);
      return sendToEach(
        people,
        (p) => `${p.role} ${p.email}`,
        async (person) => {
          const address = person.email.toLowerCase();
          // The person's own link (the same one on a retry and in every later email of the inspection).
          const { token } = await issueTaskLink(
            db,
            task,
            person,
            new Date(notice.linkExpiresAt),
            linkKeyring(links),
          );
          const r = notice.recommendation;
          const values = (lang: 'vi' | 'en'): TemplateValues => ({
            ...programValues(program, lead, lang),
            year: notice.year,
            agency_name: notice.agency.name,
            agency_code: notice.agency.code,
            recipient_name: person.name,
            inspection_kind: KIND_WORDS[notice.kind][lang],
            visit_date: notice.visitOn,
            due_date: r?.dueOn,
            recommendation_number: r?.number,
            recommendation_text: r?.text,
            working_days_left: notice.workingDaysLeft,
            working_days_late: notice.workingDaysLate,
            step: notice.step.split('/').at(-1),
            link: taskUrl(links.publicUrl, token),
          });
          const primary = program.language;
          const other = primary === 'vi' ? 'en' : 'vi';
          const main = renderTemplate(template, primary, values(primary));
          const alt = renderTemplate(template, other, values(other));
          const body = composeTaskEmail(replies, notice.slot, person.role, false, {
            primary,
            other,
            main,
            alt,
          });
          await sendOnce(db, mailer, from, {
            idempotencyKey: `${notice.workflowId}:${notice.step}:${address}`,
            workflowId: notice.workflowId,
            step: notice.step,
            to: person.email,
            subject: main.subject,
            text: body.text,
            html: body.html,
            replyTo: body.replyTo,
            cycleId: notice.cycleId,
            agencyId,
            milestoneKey: 'inspection',
          });
        },
      );
    },

    /** Read model: the inspection's stage and conclusion (idempotent upsert by workflow ID). */
    async recordInspection(input: {
      workflowId: string;
      cycleId: number;
      agencyCode: string;
      kind: InspectionKind;
      visitOn: IsoDate;
      stage: InspectionStage;
      conclusion?: string;
      /** Calendar instant (ms) of the conclusion. */
      concludedAt?: number;
    }): Promise<void> {
      const agencyId = await context.agencyId(input.agencyCode);
      const fields = {
        status: input.stage,
        conclusion: input.conclusion ?? null,
        concludedAt: input.concludedAt === undefined ? null : new Date(input.concludedAt),
      };
      await db.prisma.inspection.upsert({
        where: { workflowId: input.workflowId },
        create: {
          workflowId: input.workflowId,
          cycleId: input.cycleId,
          agencyId,
          kind: input.kind === 'kiem-tra' ? 'kiem_tra' : 'thanh_tra',
          visitOn: dayAt(input.visitOn),
          ...fields,
        },
        update: fields,
      });
    },

    /** Read model: one recommendation as it stands (idempotent upsert by inspection and number). */
    async recordRecommendation(input: {
      workflowId: string;
      number: number;
      text: string;
      dueOn: IsoDate;
      status: RecommendationState;
      /** Calendar instant (ms) of the last report. */
      reportedAt?: number;
      evidenceSummary?: string;
      /** The last report's files; absent: unchanged. */
      evidence?: AttachmentRef[];
      closedOn?: IsoDate;
      closedBy?: string;
    }): Promise<void> {
      const id = await inspectionId(input.workflowId);
      const fields = {
        text: input.text,
        dueOn: dayAt(input.dueOn),
        status: input.status,
        reportedAt: input.reportedAt === undefined ? null : new Date(input.reportedAt),
        evidenceSummary: input.evidenceSummary ?? null,
        ...(input.evidence
          ? {
              evidence: input.evidence.map((e) => ({
                fileName: e.fileName,
                contentType: e.contentType,
                sizeBytes: e.sizeBytes,
                sha256: e.sha256,
                storagePath: e.storagePath,
              })),
            }
          : {}),
        closedAt: input.closedOn === undefined ? null : dayAt(input.closedOn),
        closedBy: input.closedBy ?? null,
      };
      await db.prisma.recommendation.upsert({
        where: { inspectionId_number: { inspectionId: id, number: input.number } },
        create: { inspectionId: id, number: input.number, ...fields },
        update: fields,
      });
    },
  };
}
