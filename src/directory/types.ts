// Directory data as the importers and the snapshot see it. Pure: safe to import from workflow code.

export const CONTACT_ROLES = ['focal_point', 'head', 'deputy'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

export interface DirectoryContact {
  name: string;
  email: string;
  phone: string | null;
}

/** One agency as a directory file states it (any format: CSV today, XLSX later). */
export interface DirectoryRow {
  code: string;
  name: string;
  /** English name, when the file gives one (Agency.nameEn, and in the import revision). */
  nameEn: string | null;
  group: string;
  parentCode: string | null;
  contacts: { focal_point: DirectoryContact; head: DirectoryContact; deputy: DirectoryContact | null };
  /** Where the row came from, for error messages. */
  source: { file: string; line: number };
}

/** One agency in force on a date, as `directorySnapshot` returns it: plain, serializable data. */
export interface SnapshotAgency {
  code: string;
  name: string;
  nameEn: string | null;
  group: string;
  parentCode: string | null;
  /** First day (YYYY-MM-DD) the unit exists in the directory. */
  effectiveFrom: string;
  /** First day it no longer exists, if known (YYYY-MM-DD). */
  effectiveTo: string | null;
  contacts: Record<ContactRole, DirectoryContact[]>;
}

export interface DirectorySnapshot {
  /** The date asked for (YYYY-MM-DD). */
  date: string;
  /** The import revision in force on that date (null if the directory was empty then). */
  revision: { id: number; effectiveFrom: string; contentHash: string; source: string } | null;
  /** Sorted by code. */
  agencies: SnapshotAgency[];
}

export interface DirectoryIssue {
  file: string;
  /** 1-based line in the file; 0 when the problem concerns the whole file. */
  line: number;
  /** Column name (CSV header), or null for the whole row or file. */
  field: string | null;
  /** The agency code of the row, when known. */
  code: string | null;
  message: string;
}

export function formatDirectoryIssue(issue: DirectoryIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const field = issue.field ? ` [${issue.field}]` : '';
  const code = issue.code ? ` (${issue.code})` : '';
  return `${where}${field}${code}: ${issue.message}`;
}

export class DirectoryError extends Error {
  constructor(readonly issues: DirectoryIssue[]) {
    const files = [...new Set(issues.map((i) => i.file))].join(', ');
    super(
      `The directory ${files || ''} was not imported: ${issues.length} problem${issues.length === 1 ? '' : 's'} ` +
        `(nothing was changed):\n` +
        issues.map((i) => `  ${formatDirectoryIssue(i)}`).join('\n') +
        '\nFix every row listed and import the file again.',
    );
    this.name = 'DirectoryError';
  }
}
