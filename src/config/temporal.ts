import { readFileSync } from 'node:fs';
import { ConfigError } from './env-error';

/** How to reach Temporal: the embedded dev server by default, or an existing cluster. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Set when TLS is on: mutual TLS with a client certificate, server-only TLS, or an API key. */
  tls?: {
    serverName?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
  /** Base URL of the Temporal Web UI, for links printed to people. */
  uiUrl: string;
}

type Env = Record<string, string | undefined>;

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function readPem(env: Env, variable: string): Buffer | undefined {
  const path = env[variable];
  if (!path) return undefined;
  try {
    const content = readFileSync(path);
    if (!content.toString('utf8').includes('-----BEGIN')) {
      throw new ConfigError(variable, `${path} is not a PEM file (no "-----BEGIN" line)`);
    }
    return content;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(variable, `cannot read ${path}: ${(err as Error).message}`);
  }
}

export function temporalConfigFromEnv(env: Env = process.env): TemporalConfig {
  const address = env.TEMPORAL_ADDRESS?.trim() || '127.0.0.1:7233';
  const match = HOST_PORT.exec(address);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new ConfigError(
      'TEMPORAL_ADDRESS',
      `"${address}" is not host:port (examples: 127.0.0.1:7233, temporal.example.vn:7233, my-ns.tmprl.cloud:7233)`,
    );
  }
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(namespace)) {
    throw new ConfigError(
      'TEMPORAL_NAMESPACE',
      `"${namespace}" is not a valid namespace name (letters, digits, . _ -)`,
    );
  }
  const taskQueue = env.PHOIHOP_TASK_QUEUE?.trim() || 'phoihop';

  const crt = readPem(env, 'TEMPORAL_TLS_CERT');
  const key = readPem(env, 'TEMPORAL_TLS_KEY');
  if (!!crt !== !!key) {
    throw new ConfigError(
      crt ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT',
      'mutual TLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (paths to PEM files); only one is set',
    );
  }
  const ca = readPem(env, 'TEMPORAL_TLS_CA');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME?.trim() || undefined;
  const apiKey = env.TEMPORAL_API_KEY?.trim() || undefined;
  const tlsFlag = env.TEMPORAL_TLS?.trim().toLowerCase();
  if (tlsFlag !== undefined && tlsFlag !== '' && !['true', 'false', '1', '0'].includes(tlsFlag)) {
    throw new ConfigError('TEMPORAL_TLS', `"${env.TEMPORAL_TLS}" is not one of true, false, 1, 0`);
  }
  const tlsWanted =
    tlsFlag === 'true' ||
    tlsFlag === '1' ||
    !!crt ||
    !!ca ||
    !!serverName ||
    (!!apiKey && tlsFlag !== 'false');
  if ((tlsFlag === 'false' || tlsFlag === '0') && (crt || ca)) {
    throw new ConfigError(
      'TEMPORAL_TLS',
      'is false but TLS certificate files are configured; remove one or the other',
    );
  }

  const uiUrl = (
    env.TEMPORAL_UI_URL?.trim() || `http://127.0.0.1:${env.TEMPORAL_UI_PORT?.trim() || '8233'}`
  ).replace(/\/$/, '');
  try {
    new URL(uiUrl);
  } catch {
    throw new ConfigError('TEMPORAL_UI_URL', `"${uiUrl}" is not a URL (example: http://127.0.0.1:8233)`);
  }

  return {
    address,
    namespace,
    taskQueue,
    uiUrl,
    apiKey,
    tls: tlsWanted
      ? {
          serverName,
          serverRootCACertificate: ca,
          clientCertPair: crt && key ? { crt, key } : undefined,
        }
      : undefined,
  };
}

/** The Temporal UI page of one workflow, for links in the CLI and (later) the dashboard. */
export function workflowUiUrl(config: TemporalConfig, workflowId: string): string {
  return `${config.uiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
