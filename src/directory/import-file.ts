import { readFileSync } from 'node:fs';
import type { Database } from '../db/client';
import { importDirectory, type ImportResult } from './import';
import { parseDirectoryFile } from './xlsx';

/**
 * Imports a directory file, CSV or XLSX (told apart by content, then extension); nothing is imported when
 * any row is bad (every bad row is reported).
 */
export async function importDirectoryFile(
  db: Database,
  file: string,
  effectiveFrom: string,
  actor: string,
): Promise<ImportResult> {
  const rows = await parseDirectoryFile(readFileSync(file), file);
  return importDirectory(db, rows, { effectiveFrom, source: file, actor });
}
