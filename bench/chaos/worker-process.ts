import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../test/support/tools';

/** The environment bench/chaos-worker.ts reads. */
export interface ChaosWorkerConfig {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  from: string;
  filesRoot: string;
  workflowBundlePath: string;
  linkSecret: string;
  publicUrl: string;
  emailsPerSecond: number;
}

/**
 * The worker as a child process (tsx running bench/chaos-worker.ts) in a process group of its own: tsx
 * runs the script in a second node process, and a SIGKILL to the group kills both at once, as a crash or
 * an OOM kill would.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  /** How many times a worker was started, and how long each start took until it polled (ms). */
  readonly starts: number[] = [];

  constructor(private readonly config: ChaosWorkerConfig) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts a worker and resolves once it polls (its "ready" line). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.alive) throw new Error('a chaos worker is already running');
    const c = this.config;
    const began = Date.now();
    this.output = '';
    const child = spawn(
      join(projectRoot, 'node_modules/.bin/tsx'),
      [join(projectRoot, 'bench/chaos-worker.ts')],
      {
        cwd: projectRoot,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CHAOS_TEMPORAL_ADDRESS: c.temporalAddress,
          CHAOS_NAMESPACE: c.namespace,
          CHAOS_TASK_QUEUE: c.taskQueue,
          CHAOS_DATABASE_URL: c.databaseUrl,
          CHAOS_SMTP_URL: c.smtpUrl,
          CHAOS_FROM: c.from,
          CHAOS_FILES_ROOT: c.filesRoot,
          CHAOS_WORKFLOW_BUNDLE: c.workflowBundlePath,
          CHAOS_LINK_SECRET: c.linkSecret,
          CHAOS_PUBLIC_URL: c.publicUrl,
          CHAOS_EMAILS_PER_SECOND: String(c.emailsPerSecond),
        },
      },
    );
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.killGroup('SIGKILL');
        reject(new Error(`the chaos worker did not start within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        collect(chunk);
        if (this.output.includes('chaos-worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the chaos worker exited (${code ?? signal}) before it was ready:\n${this.output}`));
      });
    });
    child.removeAllListeners('exit');
    this.starts.push(Date.now() - began);
  }

  /** SIGKILL to the worker's process group: no shutdown, no finishing the tasks in hand. */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  /** Stops the worker if it runs (SIGTERM, then SIGKILL after 10 s). Safe to call at any time. */
  async stop(): Promise<void> {
    await this.stopWith('SIGTERM');
  }

  /** What the worker printed last (for a failure report). */
  get lastOutput(): string {
    return this.output;
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((r) => child.once('exit', r));
    this.killGroup(signal);
    const force = setTimeout(() => this.killGroup('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
    // tsx's own node process may outlive the tsx wrapper by a moment: make sure the group is gone.
    this.killGroup('SIGKILL');
  }

  private killGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}
