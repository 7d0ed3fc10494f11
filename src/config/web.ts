import { ConfigError } from './env-error';

/** Where the portal listens, whom it trusts for the client's address, and how long a request may take. */
export interface WebConfig {
  host: string;
  port: number;
  /** Fastify's `trustProxy`: false (the default), true, a hop count, or addresses/CIDRs of the proxies. */
  trustProxy: boolean | number | string[];
  /** Longest time to receive a whole request (ms); Fastify's `requestTimeout`. */
  requestTimeoutMs: number;
  /** Longest time a connection may be idle (ms); Fastify's `connectionTimeout`. */
  connectionTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

/** Defaults of the request and connection timeouts: room for a 50 MB upload over a slow line. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 60_000;

/**
 * PHOIHOP_TRUST_PROXY: unset or "false" (the client's address is the socket's; X-Forwarded-For is
 * ignored), "true" (trust every proxy: only when nothing can reach the portal but the proxy), a hop
 * count ("1"), or a comma-separated list of proxy addresses/CIDRs ("127.0.0.1,10.0.0.0/8").
 */
export function trustProxyFromEnv(env: Env = process.env): WebConfig['trustProxy'] {
  const raw = env.PHOIHOP_TRUST_PROXY?.trim() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((s) => s.trim());
  if (list.some((a) => !/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(a))) {
    throw new ConfigError(
      'PHOIHOP_TRUST_PROXY',
      `"${raw}" is not "true", "false", a hop count or a comma-separated list of addresses (e.g. 127.0.0.1,10.0.0.0/8)`,
    );
  }
  return list;
}

function seconds(env: Env, variable: string, fallbackMs: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallbackMs;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(variable, `"${raw}" is not a number of seconds (1 to 99999)`);
  }
  return Number(raw) * 1000;
}

export function webConfigFromEnv(env: Env = process.env): WebConfig {
  const host = env.PHOIHOP_WEB_HOST?.trim() || '127.0.0.1';
  const raw = env.PHOIHOP_WEB_PORT?.trim() || '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('PHOIHOP_WEB_PORT', `"${raw}" is not a port number (1 to 65535)`);
  }
  return {
    host,
    port,
    trustProxy: trustProxyFromEnv(env),
    requestTimeoutMs: seconds(env, 'PHOIHOP_WEB_REQUEST_TIMEOUT_SECONDS', DEFAULT_REQUEST_TIMEOUT_MS),
    connectionTimeoutMs: seconds(
      env,
      'PHOIHOP_WEB_CONNECTION_TIMEOUT_SECONDS',
      DEFAULT_CONNECTION_TIMEOUT_MS,
    ),
  };
}
