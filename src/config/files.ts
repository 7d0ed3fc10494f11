import { join, resolve } from 'node:path';
import { ConfigError } from './env-error';

/** Where submitted files are kept, and how big and how many an upload may be. */
export interface FilesConfig {
  /** Storage root, outside anything the web server serves: files live at <root>/<aa>/<sha256>.<ext>. */
  root: string;
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Most files in one submission. */
  maxFiles: number;
}

type Env = Record<string, string | undefined>;

const MIB = 1024 * 1024;

function positiveInt(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigError(name, `"${raw}" is not a whole number from 1 to ${max}`);
  }
  return value;
}

/**
 * PHOIHOP_FILES_DIR (default <PHOIHOP_DATA or .data>/files), PHOIHOP_UPLOAD_MAX_MB (per file, default 20,
 * at most 50) and PHOIHOP_UPLOAD_MAX_FILES (per submission, default 5, at most 10).
 */
export function filesConfigFromEnv(env: Env = process.env): FilesConfig {
  const dataDir = resolve(env.PHOIHOP_DATA?.trim() || join(__dirname, '../../.data'));
  const root = resolve(env.PHOIHOP_FILES_DIR?.trim() || join(dataDir, 'files'));
  return {
    root,
    maxFileBytes: positiveInt(env, 'PHOIHOP_UPLOAD_MAX_MB', 20, 50) * MIB,
    maxFiles: positiveInt(env, 'PHOIHOP_UPLOAD_MAX_FILES', 5, 10),
  };
}
