import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
// The SDK's own switch for the test service (time skipping) on a connection; createTimeSkipping sets it
// the same way. Pinned with the SDK version in package.json.
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { TypedSearchAttributes } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { allSearchAttributes } from '../../src/workflows/search-attributes';
import { temporalCliPath, testServerPath } from './tools';
import { freePort } from './ports';
import { startServerProcess, startTimeoutMs, type ServerProcess } from './server-process';

/** Keeps test output readable: the SDK logs every worker state change at INFO. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process (an earlier test file): keep it.
  }
}

/**
 * A TestWorkflowEnvironment on a server this module started and waited for. The SDK's own
 * createTimeSkipping and createLocal give a server 5 seconds to listen, which a loaded machine's JVM
 * misses; here the wait is startTimeoutMs() and a failure names the server, its port and the time.
 * teardown() closes the connections, then stops the server.
 */
class OwnedServerEnvironment extends TestWorkflowEnvironment {
  private ownedServer!: ServerProcess;

  static async connectTo(
    server: ServerProcess,
    name: string,
    timeSkipping: boolean,
  ): Promise<OwnedServerEnvironment> {
    const address = `127.0.0.1:${server.port}`;
    const internal = { [InternalConnectionOptionsSymbol]: { supportsTestService: timeSkipping } };
    try {
      const connection = await connectWhenReady(name, address, () =>
        Connection.connect({ address, ...internal }),
      );
      const nativeConnection = await NativeConnection.connect({ address, ...internal });
      const options: TestWorkflowEnvironment['options'] = {
        server: { type: 'existing' },
        client: {},
        plugins: [],
      };
      const env = new OwnedServerEnvironment(
        Runtime.instance(),
        options,
        timeSkipping,
        'existing',
        connection,
        nativeConnection,
        timeSkipping ? undefined : 'default',
        address,
      );
      env.ownedServer = server;
      return env;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  override async teardown(): Promise<void> {
    await super.teardown();
    await this.ownedServer.stop();
  }
}

/** Connects once the server answers (a server may listen a little before it serves). */
async function connectWhenReady(
  name: string,
  address: string,
  open: () => Promise<Connection>,
): Promise<Connection> {
  const started = Date.now();
  for (;;) {
    try {
      const connection = await open();
      try {
        await connection.workflowService.getSystemInfo({});
        return connection;
      } catch (err) {
        await connection.close();
        throw err;
      }
    } catch (err) {
      if (Date.now() - started > startTimeoutMs()) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new Error(
          `${name} at ${address} listens but did not answer within ${seconds} s: ${String(err)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Time-skipping server (Java test server from Maven Central, through our wrapper script, started as
 * `<wrapper> <port>` as the SDK does), with the project's search attributes registered through the
 * operator service (it has no start-up flag for them).
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const name = 'the time-skipping test server';
  const port = await freePort();
  const server = await startServerProcess(name, testServerPath(), [String(port)], port);
  const env = await OwnedServerEnvironment.connectTo(server, name, true);
  const searchAttributes = Object.fromEntries(
    allSearchAttributes.map((key) => [
      key.name,
      temporal.api.enums.v1.IndexedValueType[
        `INDEXED_VALUE_TYPE_${key.type}` as keyof typeof temporal.api.enums.v1.IndexedValueType
      ],
    ]),
  );
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes,
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/**
 * Full dev server (Temporal CLI built by scripts/setup) with the project's search attributes, in memory
 * and headless, started with the flags the SDK's createLocal uses.
 */
export async function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const name = 'the Temporal dev server';
  const port = await freePort();
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    'default',
    '--headless',
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    // As the SDK's createLocal passes them.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...allSearchAttributes.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
    ]),
  ];
  const server = await startServerProcess(name, temporalCliPath(), args, port);
  return OwnedServerEnvironment.connectTo(server, name, false);
}
