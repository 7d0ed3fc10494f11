// The contacts of an agency in force on a date: whom an email sent that day goes to.
//
// A cycle keeps the directory snapshot of its start date for what it is about (which agencies owe what,
// their names and groups: reproducible), but people change jobs during the year: an email is addressed to
// the contacts the directory states on the day it is sent, so a contact edit (edit-contact.ts) or an import
// reaches running cycles from its date on. Cached by revision (id and content hash), so a process sees an
// edit at once while reading each revision's content only once.
import type { Database } from '../db/client';
import { civilDate } from './dates';
import { revisionHeaderInForce, revisionInForce } from './revisions';
import type { ContactRole, DirectoryContact } from './types';

export type AgencyContacts = Record<ContactRole, DirectoryContact[]>;

export class ContactsInForce {
  private byRevision = new Map<string, Promise<Map<string, AgencyContacts>>>();

  constructor(private readonly db: Pick<Database, 'prisma'>) {}

  /** The agency's contacts in force on `date`, or null when no revision in force on that date lists it. */
  async forAgency(code: string, date: string | Date): Promise<AgencyContacts | null> {
    const day = civilDate(date);
    const header = await revisionHeaderInForce(this.db.prisma, day);
    if (!header) return null;
    const key = `${header.id}:${header.contentHash}`;
    let contacts = this.byRevision.get(key);
    if (!contacts) {
      contacts = revisionInForce(this.db.prisma, day).then(
        (revision) => new Map((revision?.agencies ?? []).map((a) => [a.code, a.contacts])),
      );
      contacts.catch(() => this.byRevision.delete(key));
      // Only the latest revisions are asked for in practice: keep a few.
      if (this.byRevision.size >= 8) this.byRevision.delete(this.byRevision.keys().next().value as string);
      this.byRevision.set(key, contacts);
    }
    return (await contacts).get(code) ?? null;
  }
}

/** One-off form of ContactsInForce.forAgency. */
export function contactsInForce(
  db: Pick<Database, 'prisma'>,
  code: string,
  date: string | Date,
): Promise<AgencyContacts | null> {
  return new ContactsInForce(db).forAgency(code, date);
}
