// What importing a directory would change, computed without writing anything: every problem that would
// stop the import (bad rows, and the database checks importDirectory makes: back-dated imports, reused
// codes), and the differences from the revision in force on the effective date: agencies added, ended,
// renamed, regrouped or re-parented, contacts added, removed or changed (by role). Applying a preview is
// importDirectory with the same rows and date (import.ts), passing `previewed: previewedOf(preview)`: the
// import is then refused if the file or the directory changed in between.
import type { Database } from '../db/client';
import { canonicalJson } from '../programs/canonical-json';
import { civilDate, civilDateToInstant } from './dates';
import { directoryContentHash, revisionAgencyOf } from './import';
import { latestRevision, revisionInForce, type RevisionAgency } from './revisions';
import {
  CONTACT_ROLES,
  DirectoryError,
  type ContactRole,
  type DirectoryContact,
  type DirectoryIssue,
  type DirectoryRow,
} from './types';
import { validateDirectoryRows } from './validate';
import { parseDirectoryFile } from './xlsx';

/** An agency as the preview names it, with the file line it comes from (null: not in the file). */
export interface PreviewAgency {
  code: string;
  name: string;
  group: string;
  parentCode: string | null;
  line: number | null;
}

export type AgencyField = 'name' | 'nameEn' | 'group' | 'parentCode';

export interface FieldChange {
  field: AgencyField;
  before: string | null;
  after: string | null;
}

export interface ContactChange {
  role: ContactRole;
  kind: 'added' | 'removed' | 'changed';
  before: DirectoryContact | null;
  after: DirectoryContact | null;
}

export interface AgencyChange {
  code: string;
  /** The name in the file. */
  name: string;
  line: number;
  /** Renamed (name, nameEn), regrouped (group), re-parented (parentCode). */
  fields: FieldChange[];
  contacts: ContactChange[];
}

export interface DirectoryPreview {
  /** YYYY-MM-DD */
  effectiveFrom: string;
  /** The revision the file is compared with: the one in force on effectiveFrom (null: empty directory). */
  against: { id: number; effectiveFrom: string; source: string; contentHash: string } | null;
  /** True when the revision compared with has the same date: importing replaces it (a correction). */
  replacesRevision: boolean;
  /** Every problem; when there is any, nothing can be applied. */
  issues: DirectoryIssue[];
  canApply: boolean;
  /** The content equals the revision in force: importing changes nothing. */
  noop: boolean;
  /** sha256 of the file's content as a revision would store it (null when rows are bad). */
  contentHash: string | null;
  added: PreviewAgency[];
  /** In force now, not in the file: ended from effectiveFrom. */
  removed: PreviewAgency[];
  changed: AgencyChange[];
  unchanged: number;
}

const FIELDS: AgencyField[] = ['name', 'nameEn', 'group', 'parentCode'];

function sameContact(a: DirectoryContact, b: DirectoryContact): boolean {
  return a.name === b.name && a.email === b.email && (a.phone ?? null) === (b.phone ?? null);
}

/** Contact differences of one role: same email → changed (if anything else differs); then pairs in order. */
function contactChanges(role: ContactRole, before: DirectoryContact[], after: DirectoryContact[]) {
  const changes: ContactChange[] = [];
  const oldLeft = [...before];
  const newLeft: DirectoryContact[] = [];
  for (const contact of after) {
    const index = oldLeft.findIndex((c) => c.email === contact.email);
    if (index < 0) {
      newLeft.push(contact);
      continue;
    }
    const [old] = oldLeft.splice(index, 1) as [DirectoryContact];
    if (!sameContact(old, contact)) changes.push({ role, kind: 'changed', before: old, after: contact });
  }
  while (oldLeft.length > 0 && newLeft.length > 0) {
    changes.push({
      role,
      kind: 'changed',
      before: oldLeft.shift() as DirectoryContact,
      after: newLeft.shift() as DirectoryContact,
    });
  }
  for (const contact of oldLeft) changes.push({ role, kind: 'removed', before: contact, after: null });
  for (const contact of newLeft) changes.push({ role, kind: 'added', before: null, after: contact });
  return changes;
}

function previewAgency(agency: RevisionAgency, line: number | null): PreviewAgency {
  return { code: agency.code, name: agency.name, group: agency.group, parentCode: agency.parentCode, line };
}

/**
 * Compares directory rows with the revision in force on `effectiveFrom`, and lists every problem that
 * would stop importDirectory(rows, { effectiveFrom }). Reads only.
 */
export async function previewDirectoryImport(
  db: Pick<Database, 'prisma'>,
  rows: readonly DirectoryRow[],
  effectiveFrom: string | Date,
): Promise<DirectoryPreview> {
  const day = civilDate(effectiveFrom);
  const from = civilDateToInstant(day);
  const source = rows[0]?.source.file ?? '(directory)';
  const issues = validateDirectoryRows(rows);
  if (rows.length === 0) {
    issues.push({
      file: source,
      line: 0,
      field: null,
      code: null,
      message: 'no agencies: an empty directory would close every agency',
    });
  }
  const [latest, inForce] = await Promise.all([latestRevision(db.prisma), revisionInForce(db.prisma, day)]);
  if (latest && day < latest.effectiveFrom) {
    issues.push({
      file: source,
      line: 0,
      field: null,
      code: null,
      message:
        `effective date ${day} is earlier than the latest import (${latest.effectiveFrom}, ${latest.source}): ` +
        `the directory only moves forward; choose a date on or after ${latest.effectiveFrom}`,
    });
  }
  // Agencies that ceased before the date, filtered here: one bound parameter per code would exceed
  // SQLite's limit (999) for a directory of a thousand agencies or more.
  const codes = new Set(rows.map((row) => row.code).filter((code) => code));
  const ended = (
    await db.prisma.agency.findMany({
      where: { effectiveTo: { lt: from } },
      select: { code: true, effectiveTo: true },
    })
  ).filter((agency) => codes.has(agency.code));
  for (const agency of ended) {
    const row = rows.find((r) => r.code === agency.code) as DirectoryRow;
    issues.push({
      file: row.source.file,
      line: row.source.line,
      field: 'code',
      code: agency.code,
      message:
        `code ${agency.code} belonged to an agency that ceased on ${civilDate(agency.effectiveTo as Date)}; ` +
        'codes are never reused: give this unit a new code',
    });
  }
  issues.sort((a, b) => a.line - b.line);

  const preview: DirectoryPreview = {
    effectiveFrom: day,
    against: inForce
      ? {
          id: inForce.id,
          effectiveFrom: inForce.effectiveFrom,
          source: inForce.source,
          contentHash: inForce.contentHash,
        }
      : null,
    replacesRevision: inForce?.effectiveFrom === day,
    issues,
    canApply: issues.length === 0,
    noop: false,
    contentHash: null,
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
  };
  // Differences are listed even when rows are bad (what can be compared is), but only valid rows hash.
  const agencies = rows.filter((row) => row.code).map((row) => ({ row, agency: revisionAgencyOf(row) }));
  if (preview.canApply) {
    const hash = directoryContentHash(
      agencies.map((a) => a.agency).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    );
    preview.contentHash = hash;
    preview.noop = inForce?.contentHash === hash;
  }
  const before = new Map((inForce?.agencies ?? []).map((agency) => [agency.code, agency]));
  const seen = new Set<string>();
  for (const { row, agency } of agencies) {
    if (seen.has(agency.code)) continue; // a duplicate code: reported as an issue
    seen.add(agency.code);
    const old = before.get(agency.code);
    if (!old) {
      preview.added.push(previewAgency(agency, row.source.line));
      continue;
    }
    const fields = FIELDS.filter((field) => (old[field] ?? null) !== (agency[field] ?? null)).map(
      (field) => ({ field, before: old[field] ?? null, after: agency[field] ?? null }),
    );
    const contacts = CONTACT_ROLES.flatMap((role) =>
      canonicalJson(old.contacts[role] ?? []) === canonicalJson(agency.contacts[role])
        ? []
        : contactChanges(role, old.contacts[role] ?? [], agency.contacts[role]),
    );
    if (fields.length > 0 || contacts.length > 0) {
      preview.changed.push({ code: agency.code, name: agency.name, line: row.source.line, fields, contacts });
    } else {
      preview.unchanged += 1;
    }
  }
  for (const old of inForce?.agencies ?? []) {
    if (!seen.has(old.code)) preview.removed.push(previewAgency(old, null));
  }
  const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  preview.added.sort(byCode);
  preview.removed.sort(byCode);
  preview.changed.sort(byCode);
  return preview;
}

/**
 * Previews a directory file (CSV or XLSX). A file that cannot be read into rows gives a preview with its
 * problems and no changes.
 */
export async function previewDirectoryFile(
  db: Pick<Database, 'prisma'>,
  bytes: Uint8Array,
  fileName: string,
  effectiveFrom: string | Date,
): Promise<DirectoryPreview> {
  let rows: DirectoryRow[];
  try {
    rows = await parseDirectoryFile(bytes, fileName);
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    const empty = await previewDirectoryImport(db, [], effectiveFrom);
    return {
      ...empty,
      issues: error.issues,
      canApply: false,
      removed: [],
    };
  }
  return previewDirectoryImport(db, rows, effectiveFrom);
}

/** What importDirectory's `previewed` option needs from a preview that can be applied. */
export function previewedOf(preview: DirectoryPreview): {
  contentHash: string;
  against: { id: number; contentHash: string } | null;
} {
  if (!preview.canApply || preview.contentHash === null) {
    throw new Error('this preview has problems: it cannot be applied');
  }
  return {
    contentHash: preview.contentHash,
    against: preview.against ? { id: preview.against.id, contentHash: preview.against.contentHash } : null,
  };
}
