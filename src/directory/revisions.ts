// The directory's import revisions, in the DirectoryRevision table: one row per effective date, holding
// the whole directory in force from that date (the parsed rows, sorted by code). The Agency and Contact
// tables hold the current state (with each agency's dated existence); the revisions keep what the
// directory said on any earlier date, so a cycle's snapshot can be reproduced later.
// Each import that changed something also writes a short AuditEvent (who, when, file, hash, counts),
// never the content. Only this file reads or writes DirectoryRevision.
import type { Prisma } from '../generated/prisma-sqlite/client';
import { civilDate, civilDateToInstant } from './dates';
import type { ContactRole, DirectoryContact } from './types';

export const AUDIT_ACTION = 'directory.import';
export const AUDIT_SUBJECT = 'directory';

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

/** What an import changed, for the audit event. */
export interface RevisionCounts {
  agencies: number;
  created: number;
  closed: number;
  changed: number;
  reopened: number;
  unchanged: number;
}

interface RevisionRow {
  id: number;
  effectiveFrom: Date;
  contentHash: string;
  source: string;
  agencies: unknown;
}

function fromRow(row: RevisionRow): DirectoryRevision {
  return {
    id: row.id,
    effectiveFrom: civilDate(row.effectiveFrom),
    contentHash: row.contentHash,
    source: row.source,
    agencies: row.agencies as RevisionAgency[],
  };
}

/** Every revision, oldest first. */
export async function listRevisions(client: Client): Promise<DirectoryRevision[]> {
  const rows = await client.directoryRevision.findMany({ orderBy: { effectiveFrom: 'asc' } });
  return rows.map(fromRow);
}

/** The revision with the latest effective date, or null before the first import. */
export async function latestRevision(client: Client): Promise<DirectoryRevision | null> {
  const row = await client.directoryRevision.findFirst({ orderBy: { effectiveFrom: 'desc' } });
  return row ? fromRow(row) : null;
}

/** The revision in force on `date` (YYYY-MM-DD), or null if none had taken effect yet. */
export async function revisionInForce(client: Client, date: string): Promise<DirectoryRevision | null> {
  const row = await client.directoryRevision.findFirst({
    where: { effectiveFrom: { lte: civilDateToInstant(date) } },
    orderBy: { effectiveFrom: 'desc' },
  });
  return row ? fromRow(row) : null;
}

/**
 * Stores the directory in force from `revision.effectiveFrom`, and a content-free audit event. A second
 * import for the same date (a correction) replaces that date's revision, keeping its id; the audit event
 * names the hash it replaced. `counts: null` writes no audit event: the caller records its own (a contact
 * edit, edit-contact.ts).
 */
export async function recordRevision(
  client: Client,
  revision: Omit<DirectoryRevision, 'id'>,
  actor: string,
  counts: RevisionCounts | null,
): Promise<DirectoryRevision> {
  const effectiveFrom = civilDateToInstant(revision.effectiveFrom);
  const content = {
    contentHash: revision.contentHash,
    source: revision.source,
    agencies: revision.agencies as unknown as Prisma.InputJsonValue,
    importedBy: actor,
  };
  const replaced = await client.directoryRevision.findUnique({
    where: { effectiveFrom },
    select: { contentHash: true },
  });
  const row = replaced
    ? await client.directoryRevision.update({
        where: { effectiveFrom },
        data: { ...content, importedAt: new Date() },
      })
    : await client.directoryRevision.create({ data: { effectiveFrom, ...content } });
  if (counts === null) return fromRow(row);
  await client.auditEvent.create({
    data: {
      actor,
      action: AUDIT_ACTION,
      subject: AUDIT_SUBJECT,
      details: {
        revisionId: row.id,
        effectiveFrom: revision.effectiveFrom,
        source: revision.source,
        contentHash: revision.contentHash,
        replacedContentHash: replaced?.contentHash ?? null,
        ...counts,
      },
    },
  });
  return fromRow(row);
}

/** The id, date and hash of the revision in force on `date` (YYYY-MM-DD), without its content. */
export async function revisionHeaderInForce(
  client: Client,
  date: string,
): Promise<Omit<DirectoryRevision, 'agencies' | 'source'> | null> {
  const row = await client.directoryRevision.findFirst({
    where: { effectiveFrom: { lte: civilDateToInstant(date) } },
    orderBy: { effectiveFrom: 'desc' },
    select: { id: true, effectiveFrom: true, contentHash: true },
  });
  return row
    ? { id: row.id, effectiveFrom: civilDate(row.effectiveFrom), contentHash: row.contentHash }
    : null;
}
