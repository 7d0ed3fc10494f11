import { ConfigError } from './env-error';
import type { LoginLimits } from '../auth/login-throttle';
import type { IdlePolicy } from '../auth/sessions';
import { idlePolicyFromEnv, loginLimitsFromEnv } from './login';

/** What the coordinators' dashboard needs beyond the portal's settings. */
export interface DashboardConfig {
  /** Base URL of the Temporal UI, for the link to each agency's workflow (no trailing slash). */
  temporalUiUrl: string;
  /** Temporal namespace the workflows run in (for the UI link). */
  namespace: string;
  /** Failed-login limits (default: 5 per account, 50 per address, 1000 in all, per 15 minutes; config/login.ts). */
  login?: LoginLimits;
  /** Session idle timeouts per role (default: 30 min for coordinators, 8 h for the others). */
  idle?: IdlePolicy;
}

type Env = Record<string, string | undefined>;

/**
 * PHOIHOP_TEMPORAL_UI_URL (else TEMPORAL_UI_URL, else http://127.0.0.1:<TEMPORAL_UI_PORT or 8233>) and
 * TEMPORAL_NAMESPACE (default "default").
 */
export function dashboardConfigFromEnv(env: Env = process.env): DashboardConfig {
  const variable = env.PHOIHOP_TEMPORAL_UI_URL?.trim() ? 'PHOIHOP_TEMPORAL_UI_URL' : 'TEMPORAL_UI_URL';
  const raw =
    env.PHOIHOP_TEMPORAL_UI_URL?.trim() ||
    env.TEMPORAL_UI_URL?.trim() ||
    `http://127.0.0.1:${env.TEMPORAL_UI_PORT?.trim() || '8233'}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `"${raw}" is not a URL (example: http://127.0.0.1:8233)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `"${raw}" must start with http:// or https://`);
  }
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(namespace)) {
    throw new ConfigError(
      'TEMPORAL_NAMESPACE',
      `"${namespace}" is not a valid namespace name (letters, digits, . _ -)`,
    );
  }
  return {
    temporalUiUrl: raw.replace(/\/+$/, ''),
    namespace,
    login: loginLimitsFromEnv(env),
    idle: idlePolicyFromEnv(env),
  };
}

/** The Temporal UI page of one workflow. */
export function temporalWorkflowUrl(config: DashboardConfig, workflowId: string): string {
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
