// Applies a directory (rows from any parser: CSV today, XLSX later) as a dated change, in one database
// transaction, and only when every row is valid.
//
// How the dated directory works (docs/coordinators.md, "Directory files and exports"):
// - An import states the whole directory in force from `effectiveFrom` (a civil date).
// - Agencies missing from it are closed: effectiveTo = effectiveFrom. New codes open with effectiveFrom.
//   A closed code is never reopened later (codes are never reused), except by a correction imported for
//   the same date.
// - An agency whose name, group, parent or contacts changed keeps its row (its code and id, which
//   obligations refer to) and is updated; the import itself is recorded whole as the DirectoryRevision of
//   its date (revisions.ts), so directorySnapshot(date) returns what the directory said on that date, and
//   a short AuditEvent (who, file, hash, counts; not the content) says who imported it.
// - Importing content identical to the latest revision changes nothing. Back-dated imports (earlier than
//   the latest revision) are refused, so history only grows forward.
import { createHash } from 'node:crypto';
import type { Database } from '../db/client';
import { canonicalJson } from '../programs/canonical-json';
import { civilDate, civilDateToInstant } from './dates';
import { latestRevision, recordRevision, revisionInForce, type RevisionAgency } from './revisions';
import { CONTACT_ROLES, DirectoryError, type DirectoryContact, type DirectoryRow } from './types';
import { validateDirectoryRows } from './validate';

export { parseDirectoryCsv } from './csv';

export interface ImportOptions {
  /** First day (YYYY-MM-DD, or a Date's UTC day) the directory is in force. */
  effectiveFrom: string | Date;
  /** Where the rows came from (default: the first row's file). */
  source?: string;
  /** Who imports, for the audit log (default "system"). */
  actor?: string;
  /**
   * What a preview (preview.ts) showed: the import is refused, changing nothing, when the rows or the
   * directory they were compared with are no longer the same (another import or a contact edit since).
   */
  previewed?: {
    contentHash: string;
    against: { id: number; contentHash: string } | null;
  };
}

export interface ImportResult {
  /** True when the content equals the latest revision: nothing was written. */
  noop: boolean;
  revisionId: number | null;
  effectiveFrom: string;
  contentHash: string;
  created: string[];
  closed: string[];
  changed: string[];
  reopened: string[];
  unchanged: number;
}

function sortContacts(contacts: DirectoryContact[]): DirectoryContact[] {
  return [...contacts].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
}

export function revisionAgencyOf(row: DirectoryRow): RevisionAgency {
  const contacts = Object.fromEntries(
    CONTACT_ROLES.map((role) => {
      const contact = row.contacts[role];
      return [
        role,
        contact ? [{ name: contact.name, email: contact.email, phone: contact.phone ?? null }] : [],
      ];
    }),
  ) as RevisionAgency['contacts'];
  return {
    code: row.code,
    name: row.name,
    nameEn: row.nameEn ?? null,
    group: row.group,
    parentCode: row.parentCode ?? null,
    contacts,
  };
}

/** sha256 of the canonical JSON of the directory content (agencies sorted by code, no source lines). */
export function directoryContentHash(agencies: RevisionAgency[]): string {
  return createHash('sha256').update(canonicalJson(agencies), 'utf8').digest('hex');
}

function byCode<T extends { code: string }>(a: T, b: T): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

export async function importDirectory(
  db: Pick<Database, 'prisma'>,
  rows: readonly DirectoryRow[],
  options: ImportOptions,
): Promise<ImportResult> {
  const source = options.source ?? rows[0]?.source.file ?? '(directory)';
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
  if (issues.length > 0) throw new DirectoryError(issues);
  const effectiveFrom = civilDate(options.effectiveFrom);
  const from = civilDateToInstant(effectiveFrom);
  const agencies = rows.map(revisionAgencyOf).sort(byCode);
  const contentHash = directoryContentHash(agencies);
  const rowByCode = new Map(rows.map((row) => [row.code, row]));

  return db.prisma.$transaction(
    async (tx) => {
      const latest = await latestRevision(tx);
      if (options.previewed) {
        const inForce = await revisionInForce(tx, effectiveFrom);
        const now = inForce ? { id: inForce.id, contentHash: inForce.contentHash } : null;
        const then = options.previewed.against;
        const stale =
          options.previewed.contentHash !== contentHash ||
          (now?.id ?? null) !== (then?.id ?? null) ||
          (now?.contentHash ?? null) !== (then?.contentHash ?? null);
        if (stale) {
          throw new DirectoryError([
            {
              file: source,
              line: 0,
              field: null,
              code: null,
              message:
                options.previewed.contentHash !== contentHash
                  ? 'the file is not the one previewed: preview it again before importing'
                  : 'the directory changed since the preview (another import or a contact edit): preview the file again',
            },
          ]);
        }
      }
      if (latest && effectiveFrom < latest.effectiveFrom) {
        throw new DirectoryError([
          {
            file: source,
            line: 0,
            field: null,
            code: null,
            message:
              `effective date ${effectiveFrom} is earlier than the latest import (${latest.effectiveFrom}, ` +
              `${latest.source}): the directory only moves forward; import with a date on or after ${latest.effectiveFrom}`,
          },
        ]);
      }
      const result: ImportResult = {
        noop: true,
        revisionId: latest?.id ?? null,
        effectiveFrom,
        contentHash,
        created: [],
        closed: [],
        changed: [],
        reopened: [],
        unchanged: agencies.length,
      };
      if (latest && latest.contentHash === contentHash) return result;

      const existing = await tx.agency.findMany({
        include: { contacts: true, parent: { select: { code: true } } },
      });
      const existingByCode = new Map(existing.map((agency) => [agency.code, agency]));

      // Checks that need the database: a code closed before this date belonged to another unit.
      const reused = agencies
        .map((agency) => ({ agency, found: existingByCode.get(agency.code) }))
        .filter(({ found }) => found?.effectiveTo && found.effectiveTo.getTime() < from.getTime());
      if (reused.length > 0) {
        throw new DirectoryError(
          reused.map(({ agency, found }) => {
            const row = rowByCode.get(agency.code) as DirectoryRow;
            return {
              file: row.source.file,
              line: row.source.line,
              field: 'code',
              code: agency.code,
              message:
                `code ${agency.code} belonged to an agency that ceased on ${civilDate(found?.effectiveTo as Date)}; ` +
                'codes are never reused: give this unit a new code',
            };
          }),
        );
      }

      result.noop = false;
      result.unchanged = 0;
      const idByCode = new Map(existing.map((agency) => [agency.code, agency.id]));
      for (const agency of agencies) {
        const found = existingByCode.get(agency.code);
        const contactRows = CONTACT_ROLES.flatMap((role) =>
          agency.contacts[role].map((c) => ({ role, ...c })),
        );
        if (!found) {
          const created = await tx.agency.create({
            data: {
              code: agency.code,
              name: agency.name,
              nameEn: agency.nameEn,
              group: agency.group,
              effectiveFrom: from,
              contacts: { create: contactRows },
            },
          });
          idByCode.set(agency.code, created.id);
          result.created.push(agency.code);
          continue;
        }
        const reopen = found.effectiveTo !== null;
        const stored = Object.fromEntries(
          CONTACT_ROLES.map((role) => [
            role,
            sortContacts(
              found.contacts
                .filter((c) => c.role === role)
                .map((c) => ({ name: c.name, email: c.email, phone: c.phone ?? null })),
            ),
          ]),
        );
        const wanted = Object.fromEntries(
          CONTACT_ROLES.map((role) => [role, sortContacts(agency.contacts[role])]),
        );
        const contactsChanged = canonicalJson(stored) !== canonicalJson(wanted);
        const fieldsChanged =
          found.name !== agency.name ||
          found.nameEn !== agency.nameEn ||
          found.group !== agency.group ||
          (found.parent?.code ?? null) !== agency.parentCode;
        if (reopen || fieldsChanged) {
          await tx.agency.update({
            where: { id: found.id },
            data: { name: agency.name, nameEn: agency.nameEn, group: agency.group, effectiveTo: null },
          });
        }
        if (contactsChanged) {
          await tx.contact.deleteMany({ where: { agencyId: found.id } });
          await tx.contact.createMany({ data: contactRows.map((c) => ({ agencyId: found.id, ...c })) });
        }
        if (reopen) result.reopened.push(agency.code);
        else if (fieldsChanged || contactsChanged) result.changed.push(agency.code);
        else result.unchanged += 1;
      }
      // Parents, once every agency of the file has a row.
      for (const agency of agencies) {
        const parentId = agency.parentCode ? (idByCode.get(agency.parentCode) as number) : null;
        const found = existingByCode.get(agency.code);
        const currentParentId = found ? found.parentId : null;
        if (parentId !== currentParentId) {
          await tx.agency.update({ where: { id: idByCode.get(agency.code) as number }, data: { parentId } });
        }
      }
      // Agencies no longer in the directory cease to exist from this date.
      const inFile = new Set(agencies.map((a) => a.code));
      for (const agency of existing) {
        if (agency.effectiveTo === null && !inFile.has(agency.code)) {
          await tx.agency.update({ where: { id: agency.id }, data: { effectiveTo: from } });
          result.closed.push(agency.code);
        }
      }
      const revision = await recordRevision(
        tx,
        { effectiveFrom, contentHash, source, agencies },
        options.actor ?? 'system',
        {
          agencies: agencies.length,
          created: result.created.length,
          closed: result.closed.length,
          changed: result.changed.length,
          reopened: result.reopened.length,
          unchanged: result.unchanged,
        },
      );
      result.revisionId = revision.id;
      result.created.sort();
      result.closed.sort();
      result.changed.sort();
      result.reopened.sort();
      return result;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}
