// The directory as it was on a date: the agencies in force (effectiveFrom <= date < effectiveTo) with
// their names, groups, parents and contacts as the import revision in force on that date stated them.
// Plain, serializable data sorted by code, so a cycle can keep it and it can be reproduced later.
import type { Database } from '../db/client';
import { civilDate, civilDateToInstant } from './dates';
import { revisionInForce } from './revisions';
import {
  CONTACT_ROLES,
  type ContactRole,
  type DirectoryContact,
  type DirectorySnapshot,
  type SnapshotAgency,
} from './types';

export async function directorySnapshot(
  db: Pick<Database, 'prisma'>,
  date: string | Date,
): Promise<DirectorySnapshot> {
  const day = civilDate(date);
  const instant = civilDateToInstant(day);
  const revision = await revisionInForce(db.prisma, day);
  const stated = new Map((revision?.agencies ?? []).map((agency) => [agency.code, agency]));
  const rows = await db.prisma.agency.findMany({
    where: {
      effectiveFrom: { lte: instant },
      OR: [{ effectiveTo: null }, { effectiveTo: { gt: instant } }],
    },
    include: { contacts: { orderBy: { id: 'asc' } }, parent: { select: { code: true } } },
  });
  const agencies: SnapshotAgency[] = rows.map((row) => {
    const dated = {
      effectiveFrom: civilDate(row.effectiveFrom),
      effectiveTo: row.effectiveTo ? civilDate(row.effectiveTo) : null,
    };
    const fromRevision = stated.get(row.code);
    if (fromRevision) {
      return {
        code: row.code,
        name: fromRevision.name,
        nameEn: fromRevision.nameEn,
        group: fromRevision.group,
        parentCode: fromRevision.parentCode,
        ...dated,
        contacts: fromRevision.contacts,
      };
    }
    // An agency written by something other than the importer: its current state is all there is.
    const contacts = Object.fromEntries(
      CONTACT_ROLES.map((role) => [role, [] as DirectoryContact[]]),
    ) as Record<ContactRole, DirectoryContact[]>;
    for (const contact of row.contacts) {
      contacts[contact.role].push({ name: contact.name, email: contact.email, phone: contact.phone ?? null });
    }
    return {
      code: row.code,
      name: row.name,
      nameEn: row.nameEn,
      group: row.group,
      parentCode: row.parent?.code ?? null,
      ...dated,
      contacts,
    };
  });
  agencies.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    date: day,
    revision: revision
      ? {
          id: revision.id,
          effectiveFrom: revision.effectiveFrom,
          contentHash: revision.contentHash,
          source: revision.source,
        }
      : null,
    agencies,
  };
}
