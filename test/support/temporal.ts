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

/** How a dev server is started (startDevServer). */
export interface DevServerOptions {
  /** Where the server keeps its state (a SQLite file), so that a restart resumes it; default: in memory. */
  dbFile?: string;
  /** Its port; default: a free one. */
  port?: number;
}

/** A dev server a test started: stopped and started again on the same port and database file. */
export interface DevServer extends ServerProcess {
  readonly address: string;
  /** Starts it again (after stop()) and waits until it answers; a no-op while it runs. */
  start(): Promise<void>;
}

/** The dev server's command line: headless, the project's search attributes, the SDK's createLocal flags. */
function devServerArgs(port: number, dbFile: string | undefined): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    'default',
    '--headless',
    ...(dbFile ? ['--db-filename', dbFile] : []),
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
}

/**
 * Full dev server (Temporal CLI built by scripts/setup), started and waited for until it answers. With
 * `dbFile`, its state outlives a stop(), and start() brings the same server back (a restart mid-test).
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const name = 'the Temporal dev server';
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  let running: ServerProcess | undefined;
  const start = async () => {
    if (running) return;
    running = await startServerProcess(name, temporalCliPath(), devServerArgs(port, options.dbFile), port);
    try {
      const probe = await connectWhenReady(name, address, () => Connection.connect({ address }));
      await probe.close();
    } catch (err) {
      await running.stop();
      running = undefined;
      throw err;
    }
  };
  await start();
  return {
    port,
    address,
    start,
    async stop() {
      const stopping = running;
      running = undefined;
      await stopping?.stop();
    },
  };
}

/** A TestWorkflowEnvironment on a full dev server (in memory) with the project's search attributes. */
export async function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const server = await startDevServer();
  return OwnedServerEnvironment.connectTo(server, 'the Temporal dev server', false);
}
