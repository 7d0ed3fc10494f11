import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FilesConfig } from '../../src/config/files';

/** A throwaway file store for one test file (small limits, so oversize tests stay fast); remove() deletes it. */
export function testFiles(
  overrides: Partial<Omit<FilesConfig, 'root'>> = {},
): FilesConfig & { remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'phoihop-files-'));
  return {
    root,
    maxFileBytes: 2 * 1024 * 1024,
    maxFiles: 3,
    ...overrides,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
