import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection, Client } from '@temporalio/client';
import { projectRoot } from '../support/tools';
import { freePort } from '../support/ports';
import { signTaskToken } from '../../src/links/task-link';
import { openDatabase } from '../../src/db/client';
import { seedCycle } from '../support/cycle-fixture';

const run = promisify(execFile);

/**
 * The embedded stack's Temporal dev server, started by the project's own script: search attributes are
 * registered, the UI is served, and workflows survive a restart (data kept in the data folder).
 */
describe('scripts/stack: the embedded Temporal dev server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'phoihop-stack-'));
  let env: NodeJS.ProcessEnv;
  let port: number;

  const stack = (...args: string[]) =>
    run(join(projectRoot, 'scripts/stack'), args, { env, cwd: projectRoot, timeout: 120000 });

  beforeAll(async () => {
    port = await freePort();
    env = {
      ...process.env,
      PHOIHOP_DATA: dataDir,
      TEMPORAL_PORT: String(port),
      TEMPORAL_UI_PORT: String(await freePort()),
    };
  });

  afterAll(async () => {
    await stack('stop', 'temporal').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      return await fn(new Client({ connection, namespace: 'default' }));
    } finally {
      await connection.close();
    }
  }

  it('registers the search attributes, serves the UI and keeps workflows across a restart', async () => {
    await stack('start', 'temporal');
    const uiResponse = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(uiResponse.status).toBe(200);

    const attributes = await withClient(async (client) => {
      const res = await client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
      return Object.keys(res.customAttributes ?? {});
    });
    expect(attributes).toEqual(
      expect.arrayContaining(['PhProgram', 'PhYear', 'PhAgency', 'PhMilestone', 'PhStage', 'PhDueAt']),
    );

    // A workflow no worker will pick up: it stays running in the server's database.
    const runId = await withClient(async (client) => {
      // A type no worker has: the workflow only has to exist on the server, never to run.
      // eslint-disable-next-line no-restricted-syntax
      const handle = await client.workflow.start('notRegistered', {
        taskQueue: 'restart-check',
        workflowId: 'restart-check',
      });
      return handle.firstExecutionRunId;
    });

    await stack('restart', 'temporal');

    const described = await withClient((client) => client.workflow.getHandle('restart-check').describe());
    expect(described.runId).toBe(runId);
    expect(described.status.name).toBe('RUNNING');
    await withClient((client) => client.workflow.getHandle('restart-check').terminate('test done'));
  });
});

describe('scripts/stack: the portal', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'phoihop-stack-web-'));
  let env: NodeJS.ProcessEnv;

  const stack = (...args: string[]) =>
    run(join(projectRoot, 'scripts/stack'), args, { env, cwd: projectRoot, timeout: 120000 });

  beforeAll(async () => {
    env = {
      ...process.env,
      PHOIHOP_DATA: dataDir,
      DATABASE_URL: `file:${join(dataDir, 'phoihop.db')}`,
      PHOIHOP_WEB_PORT: String(await freePort()),
      // Nothing listens there: Temporal is down.
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    };
  });

  afterAll(async () => {
    await stack('stop', 'web').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates the database, serves the task links, and stops', async () => {
    await stack('start', 'web');
    const base = `http://127.0.0.1:${env.PHOIHOP_WEB_PORT}`;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    const res = await fetch(`${base}/nhiem-vu/not-a-token`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Không mở được nhiệm vụ');
    expect((await stack('status')).stdout).toMatch(/^web: running/m);

    // Temporal is down: a submission is recorded and gets its receipt page (the review follows once
    // Temporal is back), and the portal keeps serving. The task is in
    // the portal's database (the cycle and the agency's open obligation, as the worker would have written).
    const db = await openDatabase(`file:${join(dataDir, 'phoihop.db')}`);
    try {
      const seeded = await seedCycle(db, 2027);
      await db.prisma.obligation.create({
        data: {
          cycleId: seeded.cycleId,
          agencyId: (await db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-YT' } })).id,
          milestoneKey: 'annual-plan',
          dueAt: new Date('2027-02-12T16:59:59Z'),
          status: 'requested',
        },
      });
    } finally {
      await db.close();
    }
    const secret = readFileSync(join(dataDir, 'link-secret'), 'utf8').trim();
    const token = signTaskToken(
      { cycleId: 'cycle:dien-bien-kh99:2027:SO-YT', agency: 'SO-YT', milestone: 'annual-plan' },
      new Date('2099-01-01T00:00:00Z'),
      secret,
    );
    const submitted = await fetch(`${base}/nhiem-vu/${token}`, {
      method: 'POST',
      body: new URLSearchParams({ submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch', key: randomUUID() }),
    });
    expect(submitted.status).toBe(200);
    expect(submitted.url).toContain('pending=1');
    expect(await submitted.text()).toContain('Đã tiếp nhận. Số tiếp nhận: 2027-SO-YT-annual-plan-1.');
    const after = await openDatabase(`file:${join(dataDir, 'phoihop.db')}`);
    try {
      expect(await after.prisma.submission.count()).toBe(0);
      expect(await after.prisma.submissionReceipt.findFirstOrThrow()).toMatchObject({
        status: 'pending',
        receiptNumber: '2027-SO-YT-annual-plan-1',
      });
    } finally {
      await after.close();
    }
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    await stack('stop', 'web');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('scripts/stack: readiness is read from the new process only', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'phoihop-stack-ready-'));
  let env: NodeJS.ProcessEnv;

  const stack = (...args: string[]) =>
    run(join(projectRoot, 'scripts/stack'), args, { env, cwd: projectRoot, timeout: 120000 });

  /** What `scripts/stack start <part>` printed when it failed; fails the test when it succeeded. */
  async function failedStart(part: string): Promise<string> {
    const outcome = await stack('start', part).then(
      (ok) => ({ ok: true, stderr: ok.stderr }),
      (error: { stderr?: string }) => ({ ok: false, stderr: error.stderr ?? '' }),
    );
    expect(outcome).toMatchObject({ ok: false });
    return outcome.stderr;
  }

  beforeAll(async () => {
    env = {
      ...process.env,
      PHOIHOP_DATA: dataDir,
      DATABASE_URL: `file:${join(dataDir, 'phoihop.db')}`,
      PHOIHOP_WEB_PORT: String(await freePort()),
      // Nothing listens there: the worker cannot connect and exits.
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    };
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
  });

  afterAll(async () => {
    await stack('stop', 'worker', 'web').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a worker that cannot start as failed, though an earlier start logged "worker running"', async () => {
    writeFileSync(
      join(dataDir, 'logs', 'worker.log'),
      '[phoihop] worker running: Temporal 127.0.0.1:7233 namespace "default" (an earlier start)\n',
    );
    const stderr = await failedStart('worker');
    expect(stderr).toContain('the worker exited at start');
    expect(stderr).not.toContain('worker running');
    expect((await stack('status')).stdout).toMatch(/^worker: stopped/m);
    // The earlier start's line is kept in the log, followed by this start's output.
    expect(readFileSync(join(dataDir, 'logs', 'worker.log'), 'utf8')).toMatch(/^\[phoihop\] worker running/);
  });

  it('reports a portal that exits at start as failed, with its own output rather than a timeout', async () => {
    writeFileSync(join(dataDir, 'logs', 'web.log'), '[phoihop] portal running on http://127.0.0.1:3000\n');
    // A link secret too short to use: the portal refuses to start.
    env = { ...env, PHOIHOP_LINK_SECRET: 'too-short' };
    const stderr = await failedStart('web');
    expect(stderr).toContain('the portal exited at start');
    expect(stderr).toContain('PHOIHOP_LINK_SECRET');
    expect(stderr).not.toContain('portal running');
    expect((await stack('status')).stdout).toMatch(/^web: stopped/m);
  });
});
