// Editing one contact (name, email, phone) of one agency, as a dated change of the directory.
//
// The directory is dated (import.ts): a cycle's snapshot (directorySnapshot of the cycle's start date)
// must stay reproducible, so an edit never rewrites a past revision. Instead, in one transaction:
// - a new DirectoryRevision in force from `effectiveFrom` (default: today in Vietnam) copies the revision
//   in force on that date with the one contact changed (when a revision already starts that day, it is
//   replaced, as a same-day import correction would be);
// - the live Contact row is updated;
// - an AuditEvent "directory.contact.edit" records who, which contact, and the values before and after.
// A running cycle addresses its emails from its start-date snapshot unless recipients are resolved with
// ContactsInForce (contacts.ts) on the day of sending: that is what makes an edit reach the emails sent
// from its date on (the activity's side of it: src/activities/obligations.ts, recipientsFor).
import type { Database } from '../db/client';
import { localDate } from '../cycle/clock';
import { civilDate } from './dates';
import { directoryContentHash } from './import';
import { latestRevision, recordRevision, revisionInForce, type RevisionAgency } from './revisions';
import {
  CONTACT_ROLES,
  DirectoryError,
  type ContactRole,
  type DirectoryContact,
  type DirectoryIssue,
} from './types';
import { isValidEmail } from './validate';

export const CONTACT_EDIT_ACTION = 'directory.contact.edit';

export interface ContactEdit {
  /** Agency code. */
  code: string;
  role: ContactRole;
  /** The contact's current email, when the role has several contacts (default: the only one). */
  currentEmail?: string;
  /** New values; a field left out keeps its value. phone: null or '' removes the phone number. */
  name?: string;
  email?: string;
  phone?: string | null;
  /** Who edits, for the audit log ("coordinator:<login>"). */
  actor: string;
  /** First day the edit is in force (YYYY-MM-DD; default: today in Asia/Ho_Chi_Minh). */
  effectiveFrom?: string;
}

export interface ContactEditResult {
  code: string;
  role: ContactRole;
  before: DirectoryContact;
  after: DirectoryContact;
  /** False when the new values equal the old ones: nothing was written. */
  changed: boolean;
  revisionId: number;
  effectiveFrom: string;
  auditEventId: number | null;
}

function clean(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function refuse(edit: ContactEdit, field: string | null, message: string): never {
  throw new DirectoryError([
    { file: `contact edit (${edit.code} ${edit.role})`, line: 0, field, code: edit.code, message },
  ]);
}

/** The new contact values, checked like a directory file's (required name, email syntax). */
function editedContact(edit: ContactEdit, before: DirectoryContact): DirectoryContact {
  const issues: DirectoryIssue[] = [];
  const where = { file: `contact edit (${edit.code} ${edit.role})`, line: 0, code: edit.code };
  const name = edit.name === undefined ? before.name : clean(edit.name);
  const email = edit.email === undefined ? before.email : clean(edit.email).toLowerCase();
  const phone =
    edit.phone === undefined
      ? (before.phone ?? null)
      : edit.phone === null
        ? null
        : clean(edit.phone) || null;
  const label = edit.role.replace('_', ' ');
  if (!name) issues.push({ ...where, field: `${edit.role}_name`, message: `missing ${label} name` });
  if (!email) issues.push({ ...where, field: `${edit.role}_email`, message: `missing ${label} email` });
  else if (!isValidEmail(email)) {
    issues.push({
      ...where,
      field: `${edit.role}_email`,
      message: `"${email}" is not a valid email address`,
    });
  }
  if (issues.length > 0) throw new DirectoryError(issues);
  return { name, email, phone };
}

/**
 * Changes one contact from `effectiveFrom` (default today) on. Throws DirectoryError, changing nothing,
 * when the values are bad, the agency or contact is not in the directory in force, or a later import is
 * already scheduled.
 */
export async function editContact(
  db: Pick<Database, 'prisma'>,
  edit: ContactEdit,
  now: Date = new Date(),
): Promise<ContactEditResult> {
  if (!(CONTACT_ROLES as readonly string[]).includes(edit.role)) {
    refuse(edit, 'role', `unknown role "${edit.role}"; expected one of: ${CONTACT_ROLES.join(', ')}`);
  }
  const effectiveFrom = civilDate(edit.effectiveFrom ?? localDate(now.getTime()));
  const code = edit.code.trim().toUpperCase();
  return db.prisma.$transaction(
    async (tx) => {
      const latest = await latestRevision(tx);
      if (latest && latest.effectiveFrom > effectiveFrom) {
        refuse(
          edit,
          null,
          `a directory import takes effect on ${latest.effectiveFrom} (${latest.source}), after ${effectiveFrom}: ` +
            'an edit from an earlier date would be lost on that day; correct the contact in that file and ' +
            'import it again',
        );
      }
      const revision = await revisionInForce(tx, effectiveFrom);
      const agency = revision?.agencies.find((a) => a.code === code);
      if (!revision || !agency) {
        refuse(edit, 'code', `agency ${code} is not in the directory in force on ${effectiveFrom}`);
      }
      const contacts = agency.contacts[edit.role] ?? [];
      const wanted = edit.currentEmail?.trim().toLowerCase();
      const matching = wanted ? contacts.filter((c) => c.email === wanted) : contacts;
      if (matching.length !== 1) {
        refuse(
          edit,
          `${edit.role}_email`,
          matching.length === 0
            ? `agency ${code} has no ${edit.role.replace('_', ' ')}${wanted ? ` with email ${wanted}` : ''}`
            : `agency ${code} has ${matching.length} contacts as ${edit.role.replace('_', ' ')}: say which by its current email`,
        );
      }
      const before = matching[0] as DirectoryContact;
      const after = editedContact(edit, before);
      const changed =
        before.name !== after.name || before.email !== after.email || (before.phone ?? null) !== after.phone;
      if (!changed) {
        return {
          code,
          role: edit.role,
          before,
          after,
          changed: false,
          revisionId: revision.id,
          effectiveFrom: revision.effectiveFrom,
          auditEventId: null,
        };
      }

      const agencies: RevisionAgency[] = revision.agencies.map((a) =>
        a.code !== code
          ? a
          : {
              ...a,
              contacts: {
                ...a.contacts,
                [edit.role]: a.contacts[edit.role].map((c) => (c === before ? after : c)),
              },
            },
      );
      const stored = await recordRevision(
        tx,
        {
          effectiveFrom,
          contentHash: directoryContentHash(agencies),
          source:
            revision.effectiveFrom === effectiveFrom
              ? revision.source
              : `${revision.source}; contact edited on ${effectiveFrom}`,
          agencies,
        },
        edit.actor,
        null,
      );

      // The live rows (the current state); the revision keeps the dated history.
      const live = await tx.agency.findUnique({ where: { code }, select: { id: true } });
      if (live) {
        const row = await tx.contact.findFirst({
          where: { agencyId: live.id, role: edit.role, email: before.email },
          orderBy: { id: 'asc' },
        });
        if (row) {
          await tx.contact.update({
            where: { id: row.id },
            data: { name: after.name, email: after.email, phone: after.phone },
          });
        } else {
          await tx.contact.create({ data: { agencyId: live.id, role: edit.role, ...after } });
        }
      }
      const event = await tx.auditEvent.create({
        data: {
          actor: edit.actor,
          action: CONTACT_EDIT_ACTION,
          subject: `agency:${code}`,
          details: {
            code,
            role: edit.role,
            effectiveFrom,
            revisionId: stored.id,
            replacedRevisionOfSameDay: revision.effectiveFrom === effectiveFrom,
            before: { name: before.name, email: before.email, phone: before.phone ?? null },
            after: { name: after.name, email: after.email, phone: after.phone },
          },
        },
      });
      return {
        code,
        role: edit.role,
        before,
        after,
        changed: true,
        revisionId: stored.id,
        effectiveFrom,
        auditEventId: event.id,
      };
    },
    { timeout: 60_000, maxWait: 20_000 },
  );
}
