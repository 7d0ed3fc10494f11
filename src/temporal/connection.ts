import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config/temporal';
import { ServiceUnreachableError, shortReason } from '../config/unreachable';

const FIX =
  'start the embedded stack with `scripts/stack start`, or point TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE ' +
  '(and TEMPORAL_TLS_* or TEMPORAL_API_KEY) at a running Temporal cluster';

function unreachable(config: TemporalConfig, err: unknown): ServiceUnreachableError {
  return new ServiceUnreachableError(
    'Temporal',
    `${config.address} (namespace "${config.namespace}"${config.tls ? ', TLS' : ''})`,
    shortReason(err),
    FIX,
  );
}

function connectionOptions(config: TemporalConfig) {
  return {
    address: config.address,
    tls: config.tls ?? false,
    apiKey: config.apiKey,
    connectTimeout: '5s',
  } as const;
}

/** Checks that the namespace exists: a wrong namespace otherwise only shows up on the first call. */
async function checkNamespace(client: Client, config: TemporalConfig): Promise<void> {
  try {
    await client.workflowService.describeNamespace({ namespace: config.namespace });
  } catch (err) {
    throw new ServiceUnreachableError(
      'Temporal',
      `${config.address}`,
      `namespace "${config.namespace}" is not usable: ${shortReason(err)}`,
      'set TEMPORAL_NAMESPACE to an existing namespace (the embedded dev server has "default")',
    );
  }
}

/** A client for starting and steering workflows; fails fast with an actionable error. */
export async function connectClient(config: TemporalConfig): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect(connectionOptions(config));
  } catch (err) {
    throw unreachable(config, err);
  }
  const client = new Client({ connection, namespace: config.namespace });
  try {
    await checkNamespace(client, config);
  } catch (err) {
    await connection.close();
    throw err;
  }
  return client;
}

/**
 * A client that connects on first use: the portal serves its pages from the database while Temporal is
 * down or starting, and a submission made then gets a "try again" page instead of a dead server.
 */
export function lazyClient(config: TemporalConfig): Client {
  return new Client({ connection: Connection.lazy(connectionOptions(config)), namespace: config.namespace });
}

/** The worker's native connection; fails fast with an actionable error. */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptions(config));
  } catch (err) {
    throw unreachable(config, err);
  }
}
