import { ConfigError } from './env-error';

/** Where the portal listens. */
export interface WebConfig {
  host: string;
  port: number;
}

type Env = Record<string, string | undefined>;

export function webConfigFromEnv(env: Env = process.env): WebConfig {
  const host = env.PHOIHOP_WEB_HOST?.trim() || '127.0.0.1';
  const raw = env.PHOIHOP_WEB_PORT?.trim() || '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('PHOIHOP_WEB_PORT', `"${raw}" is not a port number (1 to 65535)`);
  }
  return { host, port };
}
