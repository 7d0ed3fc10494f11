// Checks of directory rows that do not depend on the file format: every problem of every row, each with
// its line, field (column name) and what is wrong. Pure.
import { z } from 'zod';
import { AGENCY_GROUP_NAMES, isAgencyGroup } from './groups';
import { CONTACT_ROLES, type DirectoryIssue, type DirectoryRow } from './types';

export const AGENCY_CODE_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

const emailSchema = z.email();

export function isValidEmail(value: string): boolean {
  return emailSchema.safeParse(value).success;
}

export function validateDirectoryRows(rows: readonly DirectoryRow[]): DirectoryIssue[] {
  const issues: DirectoryIssue[] = [];
  const add = (row: DirectoryRow, field: string | null, message: string) =>
    issues.push({ file: row.source.file, line: row.source.line, field, code: row.code || null, message });

  const firstByCode = new Map<string, DirectoryRow>();
  for (const row of rows) {
    if (!row.code) add(row, 'code', 'missing code');
    else if (!AGENCY_CODE_PATTERN.test(row.code)) {
      add(row, 'code', `code "${row.code}" is not valid: use A-Z, 0-9 and single hyphens, e.g. SO-VHTTDL`);
    } else {
      const first = firstByCode.get(row.code);
      if (first) add(row, 'code', `duplicate code "${row.code}" (first on line ${first.source.line})`);
      else firstByCode.set(row.code, row);
    }
    if (!row.name) add(row, 'name', 'missing name');
    if (!row.group) add(row, 'group', `missing group; expected one of: ${AGENCY_GROUP_NAMES.join(', ')}`);
    else if (!isAgencyGroup(row.group)) {
      add(row, 'group', `unknown group "${row.group}"; expected one of: ${AGENCY_GROUP_NAMES.join(', ')}`);
    }
    for (const role of CONTACT_ROLES) {
      const contact = row.contacts[role];
      if (!contact) {
        if (role !== 'deputy') add(row, `${role}_name`, `missing ${role.replace('_', ' ')}`);
        continue;
      }
      if (!contact.name) add(row, `${role}_name`, `missing ${role.replace('_', ' ')} name`);
      if (!contact.email) add(row, `${role}_email`, `missing ${role.replace('_', ' ')} email`);
      else if (!isValidEmail(contact.email)) {
        add(row, `${role}_email`, `"${contact.email}" is not a valid email address`);
      }
    }
  }

  // Parents: known, not the row itself, no circles.
  for (const row of rows) {
    if (!row.parentCode) continue;
    if (row.parentCode === row.code) add(row, 'parent_code', 'an agency cannot be its own parent');
    else if (!firstByCode.has(row.parentCode)) {
      add(row, 'parent_code', `unknown parent "${row.parentCode}": no row of this file has that code`);
    }
  }
  const reported = new Set<string>();
  for (const row of rows) {
    if (!row.parentCode || reported.has(row.code)) continue;
    const chain = [row.code];
    let current = firstByCode.get(row.parentCode);
    while (current && current.code !== row.code && !chain.includes(current.code)) {
      chain.push(current.code);
      current = current.parentCode ? firstByCode.get(current.parentCode) : undefined;
    }
    if (current && current.code === row.code && chain.length > 1) {
      chain.forEach((code) => reported.add(code));
      add(row, 'parent_code', `circular parents: ${[...chain, row.code].join(' → ')}`);
    }
  }
  return issues.sort((a, b) => a.line - b.line);
}
