import { ConfigError } from './env-error';

/** An activity attempt running longer than this (ms) is logged by the worker (default). */
export const DEFAULT_SLOW_ACTIVITY_MS = 5_000;

type Env = Record<string, string | undefined>;

/** PHOIHOP_SLOW_ACTIVITY_MS: the worker's slow-activity threshold (src/temporal/activity-log-interceptor.ts). */
export function slowActivityMsFromEnv(env: Env = process.env): number {
  const raw = env.PHOIHOP_SLOW_ACTIVITY_MS?.trim();
  if (!raw) return DEFAULT_SLOW_ACTIVITY_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new ConfigError(
      'PHOIHOP_SLOW_ACTIVITY_MS',
      `"${raw}" is not a positive whole number of milliseconds`,
    );
  }
  return ms;
}
