import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** A server process the tests started, listening on 127.0.0.1:port. */
export interface ServerProcess {
  port: number;
  /** Stops it (SIGTERM, then SIGKILL after 15 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * How long a server may take to listen. A loaded machine makes a JVM or Go server start slowly, not
 * never: the default is far longer than the SDK's fixed 5 seconds, and PHOIHOP_TEST_SERVER_START_MS
 * changes it.
 */
export function startTimeoutMs(): number {
  const configured = Number(process.env.PHOIHOP_TEST_SERVER_START_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 180_000;
}

function listens(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `command args` and waits until it accepts TCP connections on 127.0.0.1:port, for as long as
 * startTimeoutMs(). Fails, naming the server, its port and the time waited, with the end of its output,
 * when it exits first or does not listen in time (it is then stopped).
 */
export async function startServerProcess(
  name: string,
  command: string,
  args: string[],
  port: number,
): Promise<ServerProcess> {
  const started = Date.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const timeout = startTimeoutMs();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  const failure = (what: string) =>
    new Error(`${name} on 127.0.0.1:${port} ${what} after ${seconds()} s (${command})\n${output}`);
  for (;;) {
    const error = await Promise.race([
      spawnError,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)),
    ]);
    if (error) throw failure(`could not be started: ${error.message}`);
    if (exited) throw failure(`exited (${exited}) before it listened`);
    if (await listens(port)) break;
    if (Date.now() - started > timeout) {
      await stopChild(child);
      throw failure(`did not listen within ${timeout / 1000} s (PHOIHOP_TEST_SERVER_START_MS)`);
    }
  }
  return { port, stop: () => stopChild(child) };
}
