import { ConfigError } from './env-error';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from '../auth/login-throttle';
import { DEFAULT_IDLE, type IdlePolicy } from '../auth/sessions';

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, variable: string, fallback: number, max: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new ConfigError(variable, `"${raw}" is not a whole number from 1 to ${max}`);
  }
  return value;
}

/**
 * The dashboard's login limits: PHOIHOP_LOGIN_ACCOUNT_FAILURES (5), PHOIHOP_LOGIN_ADDRESS_FAILURES (50),
 * PHOIHOP_LOGIN_GLOBAL_FAILURES (1000), PHOIHOP_LOGIN_WINDOW_MINUTES (15), PHOIHOP_LOGIN_LOCK_MINUTES (15).
 */
export function loginLimitsFromEnv(env: Env = process.env): LoginLimits {
  const d = DEFAULT_LOGIN_LIMITS;
  return {
    account: positiveInt(env, 'PHOIHOP_LOGIN_ACCOUNT_FAILURES', d.account, 1000),
    address: positiveInt(env, 'PHOIHOP_LOGIN_ADDRESS_FAILURES', d.address, 100_000),
    global: positiveInt(env, 'PHOIHOP_LOGIN_GLOBAL_FAILURES', d.global, 1_000_000),
    windowMs: positiveInt(env, 'PHOIHOP_LOGIN_WINDOW_MINUTES', d.windowMs / 60_000, 24 * 60) * 60_000,
    lockMs: positiveInt(env, 'PHOIHOP_LOGIN_LOCK_MINUTES', d.lockMs / 60_000, 24 * 60) * 60_000,
  };
}

/**
 * Session idle timeouts: PHOIHOP_SESSION_IDLE_MINUTES_COORDINATOR (30) and PHOIHOP_SESSION_IDLE_MINUTES
 * (480, inspectors and viewers). The absolute lifetime (12 h) is not configurable.
 */
export function idlePolicyFromEnv(env: Env = process.env): IdlePolicy {
  return {
    coordinatorMs:
      positiveInt(env, 'PHOIHOP_SESSION_IDLE_MINUTES_COORDINATOR', DEFAULT_IDLE.coordinatorMs / 60_000, 720) *
      60_000,
    otherMs: positiveInt(env, 'PHOIHOP_SESSION_IDLE_MINUTES', DEFAULT_IDLE.otherMs / 60_000, 720) * 60_000,
  };
}
