// The directory's import revisions: every import that changed something is recorded, whole, as an
// append-only AuditEvent (action "directory.import"), with the date it takes effect. The Agency and
// Contact tables hold the current state (with each agency's dated existence); the revisions keep what
// the directory said on any earlier date, so a cycle's snapshot can be reproduced later.
// Only this file knows where revisions are stored (see README, "Directory", for the planned table).
import type { Prisma } from '../generated/prisma-sqlite/client';
import type { ContactRole, DirectoryContact } from './types';

export const REVISION_ACTION = 'directory.import';
export const REVISION_SUBJECT = 'directory';

type Client = Prisma.TransactionClient;

/** One agency as a revision records it. */
export interface RevisionAgency {
  code: string;
  name: string;
  nameEn: string | null;
  group: string;
  parentCode: string | null;
  contacts: Record<ContactRole, DirectoryContact[]>;
}

export interface DirectoryRevision {
  id: number;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  contentHash: string;
  /** File name or other description of where the rows came from. */
  source: string;
  agencies: RevisionAgency[];
}

interface RevisionDetails {
  format: 'phoihop.directory-revision/1';
  effectiveFrom: string;
  contentHash: string;
  source: string;
  agencies: RevisionAgency[];
}

function fromEvent(event: { id: number; details: unknown }): DirectoryRevision | null {
  const details = event.details as RevisionDetails | null;
  if (!details || details.format !== 'phoihop.directory-revision/1') return null;
  return {
    id: event.id,
    effectiveFrom: details.effectiveFrom,
    contentHash: details.contentHash,
    source: details.source,
    agencies: details.agencies,
  };
}

/** Every revision, oldest first. */
export async function listRevisions(client: Client): Promise<DirectoryRevision[]> {
  const events = await client.auditEvent.findMany({
    where: { action: REVISION_ACTION, subject: REVISION_SUBJECT },
    orderBy: { id: 'asc' },
    select: { id: true, details: true },
  });
  return events.map(fromEvent).filter((r): r is DirectoryRevision => r !== null);
}

/** Later effective date wins; for the same date, the later import (a correction) wins. */
function newest(revisions: DirectoryRevision[]): DirectoryRevision | null {
  let best: DirectoryRevision | null = null;
  for (const revision of revisions) {
    if (
      !best ||
      revision.effectiveFrom > best.effectiveFrom ||
      (revision.effectiveFrom === best.effectiveFrom && revision.id > best.id)
    ) {
      best = revision;
    }
  }
  return best;
}

export async function latestRevision(client: Client): Promise<DirectoryRevision | null> {
  return newest(await listRevisions(client));
}

/** The revision in force on `date` (YYYY-MM-DD), or null if none had taken effect yet. */
export async function revisionInForce(client: Client, date: string): Promise<DirectoryRevision | null> {
  return newest((await listRevisions(client)).filter((r) => r.effectiveFrom <= date));
}

export async function recordRevision(
  client: Client,
  revision: Omit<DirectoryRevision, 'id'>,
  actor: string,
): Promise<DirectoryRevision> {
  const details: RevisionDetails = { format: 'phoihop.directory-revision/1', ...revision };
  const event = await client.auditEvent.create({
    data: {
      actor,
      action: REVISION_ACTION,
      subject: REVISION_SUBJECT,
      details: details as unknown as Prisma.InputJsonValue,
    },
  });
  return { id: event.id, ...revision };
}
