import type { Database } from '../db/client';
import type { Mailer } from '../mail/mailer';
import { linkKeyring, type LinkConfig } from '../config/links';
import { taskUrl } from '../links/task-link';
import { issueTaskLink } from '../links/issue';
import { loadProgramVersion, type LoadedProgramVersion } from '../programs/store';
import { renderTemplate } from '../programs/templates';
import {
  findMilestone,
  templateFor,
  type ProgramDefinition,
  type RecipientRole,
  type TemplateValues,
} from '../programs/types';
import type { TemplateSlot } from '../programs/types';
import { ContactsInForce } from '../directory/contacts';
import { directorySnapshot } from '../directory/snapshot';
import type { DirectorySnapshot, SnapshotAgency } from '../directory/types';
import type { IsoDate } from '../calendar/dates';
import type { AgencyRef, AttachmentRef, ObligationStage } from '../workflows/obligation-types';
import { sendOnce, sendToEach, type DeliveryResult } from './notification-log';
import { ApplicationFailure } from '@temporalio/common';
import { localDate } from '../cycle/clock';
import type { ReplyConfig } from '../config/replies';
import { composeTaskEmail } from '../replies/outgoing';

/** How long recordSubmission waits for the obligation's row (written by the request's recordObligation). */
const OBLIGATION_ROW_WAIT_MS = 5_000;

export interface ObligationNotice {
  workflowId: string;
  cycleId: number;
  programVersionId: number;
  agency: AgencyRef;
  milestone: string;
  slot: TemplateSlot;
  /** Unique within the workflow: part of each email's idempotency key. */
  step: string;
  recipients: RecipientRole[];
  due: IsoDate;
  period?: { from: IsoDate; to: IsoDate };
  /** Calendar instant (ms) after which the link no longer works. */
  linkExpiresAt: number;
  workingDaysLeft?: number;
  workingDaysLate?: number;
  receiptNumber?: string;
  /** Local date of the submission the email is about (received, accepted, returned). */
  submittedOn?: IsoDate;
  reason?: string;
}

/** The template values every program email has: the program, its founding document and the lead agency. */
export function programValues(
  program: ProgramDefinition,
  lead: Pick<SnapshotAgency, 'name' | 'nameEn'> | null,
  lang: 'vi' | 'en',
): TemplateValues {
  return {
    program_title: program.title[lang],
    program_code: program.code,
    document_number: program.document.number,
    document_date: program.document.date,
    issuer_name: program.document.issuer[lang],
    lead_name: (lang === 'en' ? lead?.nameEn : undefined) ?? lead?.name ?? program.lead,
  };
}

/** What a notice came to: emails delivered, and the recipients refused for good ("role email: reason"). */
export type NoticeResult = DeliveryResult;

export interface Person {
  role: RecipientRole;
  name: string;
  email: string;
}

/**
 * Caches what does not change during a cycle: program versions (immutable) and directory snapshots
 * (dated, reproducible). One per worker process.
 */
export class ObligationContext {
  private versions = new Map<number, Promise<LoadedProgramVersion>>();
  private snapshots = new Map<string, Promise<Map<string, SnapshotAgency>>>();

  /** Whom to write to: the contacts in force on the day an email is sent (a contact edited mid-cycle). */
  readonly contacts: ContactsInForce;

  constructor(private readonly db: Database) {
    this.contacts = new ContactsInForce(db);
  }

  programVersion(id: number): Promise<LoadedProgramVersion> {
    let found = this.versions.get(id);
    if (!found) {
      found = loadProgramVersion(this.db, { id });
      found.catch(() => this.versions.delete(id));
      this.versions.set(id, found);
    }
    return found;
  }

  /** The day a cycle's directory snapshot was taken (set when its Cycle row is created, never changed). */
  private snapshotDates = new Map<number, string>();
  /** Agency row IDs by directory code (a code keeps its row across directory revisions). */
  private agencyIds = new Map<string, number>();

  async agencyId(code: string): Promise<number> {
    let id = this.agencyIds.get(code);
    if (id === undefined) {
      id = (await this.db.prisma.agency.findUniqueOrThrow({ where: { code }, select: { id: true } })).id;
      this.agencyIds.set(code, id);
    }
    return id;
  }

  /**
   * Who receives a notice to an agency of a cycle, by role: the program's coordinators or leadership, and
   * for the agency's own roles the directory in force on the day of sending (an edited contact is written
   * to from its date on), or the cycle's snapshot for an agency no longer in force. One entry per address,
   * even when a person holds two roles.
   */
  async recipients(
    cycleId: number,
    agencyCode: string,
    roles: readonly RecipientRole[],
    program: ProgramDefinition,
  ): Promise<Person[]> {
    const agency = await this.agencyInCycle(cycleId, agencyCode);
    const contacts = (await this.contacts.forAgency(agency.code, localDate(Date.now()))) ?? agency.contacts;
    const people: Person[] = [];
    for (const role of roles) {
      if (role === 'coordinators' || role === 'leadership') {
        for (const r of program[role]) people.push({ role, name: r.name, email: r.email });
      } else {
        for (const c of contacts[role] ?? []) people.push({ role, name: c.name, email: c.email });
      }
    }
    const seen = new Set<string>();
    return people.filter((p) => !seen.has(p.email.toLowerCase()) && seen.add(p.email.toLowerCase()));
  }

  /** The directory as the cycle snapshotted it (the day its Cycle row says it started). */
  async agencyInCycle(cycleId: number, code: string): Promise<SnapshotAgency> {
    let date = this.snapshotDates.get(cycleId);
    if (date === undefined) {
      const cycle = await this.db.prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } });
      date = (cycle.startedAt ?? cycle.createdAt).toISOString().slice(0, 10);
      this.snapshotDates.set(cycleId, date);
    }
    let agencies = this.snapshots.get(date);
    if (!agencies) {
      agencies = directorySnapshot(this.db, date).then(
        (s: DirectorySnapshot) => new Map(s.agencies.map((a) => [a.code, a])),
      );
      agencies.catch(() => this.snapshots.delete(date));
      this.snapshots.set(date, agencies);
    }
    const agency = (await agencies).get(code);
    if (!agency) {
      throw ApplicationFailure.nonRetryable(
        `agency ${code} is not in the directory of cycle ${cycleId} (${date})`,
      );
    }
    return agency;
  }
}

export function createObligationActivities(deps: {
  db: Database;
  mailer: Mailer;
  from: string;
  links: LinkConfig;
  context: ObligationContext;
  /** Where replies go (task emails' Reply-To); none: no reply address. */
  replies?: ReplyConfig;
}) {
  const { db, mailer, from, links, context, replies } = deps;

  return {
    /** Renders the program's template for one step and sends it to each recipient, at most once each. */
    async notifyObligation(notice: ObligationNotice): Promise<NoticeResult> {
      // Read model: the review of the submission this email is about (the agency's page shows a return's
      // reason). Written here because the workflow calls this activity with the reason; idempotent.
      if ((notice.slot === 'returned' || notice.slot === 'accepted') && notice.receiptNumber) {
        await db.prisma.submission.updateMany({
          where: { receiptNumber: notice.receiptNumber },
          data:
            notice.slot === 'returned'
              ? { status: 'returned', reviewNote: notice.reason ?? null }
              : { status: 'accepted' },
        });
      }
      const version = await context.programVersion(notice.programVersionId);
      const program = version.definition;
      const milestone = findMilestone(program, notice.milestone);
      const template = templateFor(program, milestone, notice.slot);
      const lead = await context.agencyInCycle(notice.cycleId, program.lead).catch(() => null);
      const task = {
        workflowId: notice.workflowId,
        cycleId: notice.cycleId,
        agencyCode: notice.agency.code,
        milestone: notice.milestone,
      };
      const people = await context.recipients(notice.cycleId, notice.agency.code, notice.recipients, program);
      return sendToEach(
        people,
        (p) => `${p.role} ${p.email}`,
        async (person) => {
          // The person's own link (the same one on a retry and in every later email of the task).
          const { token } = await issueTaskLink(
            db,
            task,
            person,
            new Date(notice.linkExpiresAt),
            linkKeyring(links),
          );
          const values = (lang: 'vi' | 'en'): TemplateValues => ({
            ...programValues(program, lead, lang),
            year: Number(notice.due.slice(0, 4)),
            agency_name: notice.agency.name,
            agency_code: notice.agency.code,
            recipient_name: person.name,
            milestone_title: milestone.title[lang],
            milestone_key: milestone.key,
            due_date: notice.due,
            period_from: notice.period?.from,
            period_to: notice.period?.to,
            working_days_left: notice.workingDaysLeft,
            working_days_late: notice.workingDaysLate,
            step: notice.step.split(':').at(-1),
            link: taskUrl(links.publicUrl, token),
            receipt_number: notice.receiptNumber,
            submitted_at: notice.submittedOn,
            reason: notice.reason,
            note: notice.slot === 'accepted' ? '' : undefined,
          });
          const primary = program.language;
          const other = primary === 'vi' ? 'en' : 'vi';
          const main = renderTemplate(template, primary, values(primary));
          const alt = renderTemplate(template, other, values(other));
          const figuresRequired = (milestone.figures ?? []).some((f) => f.required);
          const body = composeTaskEmail(replies, notice.slot, person.role, figuresRequired, {
            primary,
            other,
            main,
            alt,
          });
          await sendOnce(db, mailer, from, {
            idempotencyKey: `${notice.workflowId}:${notice.step}:${person.email.toLowerCase()}`,
            workflowId: notice.workflowId,
            step: notice.step,
            to: person.email,
            subject: main.subject,
            text: body.text,
            html: body.html,
            replyTo: body.replyTo,
            cycleId: notice.cycleId,
            agencyId: await context.agencyId(notice.agency.code),
            milestoneKey: notice.milestone,
          });
        },
      );
    },

    /** Read model: the obligation's current stage and due date (idempotent upsert). */
    async recordObligation(input: {
      cycleId: number;
      agencyCode: string;
      milestone: string;
      due: IsoDate;
      stage: ObligationStage;
      /** Calendar instant (ms) of the last submission, if any. */
      submittedAt?: number;
      lateByWorkingDays?: number;
      flagged?: boolean;
    }): Promise<void> {
      const agencyId = await context.agencyId(input.agencyCode);
      const outcome = {
        dueAt: new Date(`${input.due}T16:59:59.000Z`), // end of the due day in Asia/Ho_Chi_Minh
        status: READ_MODEL_STATUS[input.stage],
        submittedAt: input.submittedAt === undefined ? null : new Date(input.submittedAt),
        lateByWorkingDays: input.lateByWorkingDays ?? null,
        flagged: input.flagged ?? false,
      };
      // An update first (every stage after the first finds the row), a create when there is none. Cheaper
      // than upsert(), which reads the row back; a create that loses a race to a concurrent attempt
      // (unique violation) is followed by the update it should have been.
      const where = { cycleId: input.cycleId, agencyId, milestoneKey: input.milestone };
      const { count } = await db.prisma.obligation.updateMany({ where, data: outcome });
      if (count > 0) return;
      try {
        await db.prisma.obligation.createMany({ data: [{ ...where, ...outcome }] });
      } catch (err) {
        if ((err as { code?: string }).code !== 'P2002') throw err;
        await db.prisma.obligation.updateMany({ where, data: outcome });
      }
    },

    /** Stores a submission under its receipt number (idempotent: a retry finds the row). */
    async recordSubmission(input: {
      cycleId: number;
      agencyCode: string;
      milestone: string;
      receiptNumber: string;
      at: number;
      submittedBy: string;
      summary: string;
      figures?: Record<string, number>;
      attachments?: AttachmentRef[];
    }): Promise<void> {
      const agency = await db.prisma.agency.findUniqueOrThrow({ where: { code: input.agencyCode } });
      const where = {
        cycleId_agencyId_milestoneKey: {
          cycleId: input.cycleId,
          agencyId: agency.id,
          milestoneKey: input.milestone,
        },
      };
      // The row is written by the request's recordObligation, which the workflow scheduled when it opened
      // the milestone: an agency that submits at once can come first. Wait for it a moment rather than fail
      // into a retry (2 s, weeks of calendar in compressed time, with the agency's form waiting meanwhile).
      let obligation = await db.prisma.obligation.findUnique({ where });
      for (const until = Date.now() + OBLIGATION_ROW_WAIT_MS; !obligation && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        obligation = await db.prisma.obligation.findUnique({ where });
      }
      if (!obligation) {
        throw new Error(
          `no obligation row for ${input.agencyCode} ${input.milestone} in cycle ${input.cycleId} yet`,
        );
      }
      await db.prisma.submission.upsert({
        where: { receiptNumber: input.receiptNumber },
        create: {
          obligationId: obligation.id,
          receiptNumber: input.receiptNumber,
          submittedAt: new Date(input.at),
          submittedBy: input.submittedBy,
          summary: input.summary,
          figures: input.figures && Object.keys(input.figures).length > 0 ? input.figures : undefined,
          // Created with the submission in one statement: a retry finds both, or neither.
          attachments: input.attachments?.length
            ? {
                create: input.attachments.map((a) => ({
                  fileName: a.fileName,
                  contentType: a.contentType,
                  sizeBytes: a.sizeBytes,
                  sha256: a.sha256,
                  storagePath: a.storagePath,
                })),
              }
            : undefined,
        },
        update: {},
      });
    },
  };
}

/** The read model keeps fewer stages than the workflow (reminded/escalated are still "requested"/"overdue"). */
const READ_MODEL_STATUS: Record<
  ObligationStage,
  'pending' | 'requested' | 'overdue' | 'submitted' | 'returned' | 'accepted' | 'waived' | 'cancelled'
> = {
  scheduled: 'pending',
  requested: 'requested',
  reminded: 'requested',
  overdue: 'overdue',
  escalated: 'overdue',
  submitted: 'submitted',
  returned: 'returned',
  accepted: 'accepted',
  waived: 'waived',
  cancelled: 'cancelled',
};
