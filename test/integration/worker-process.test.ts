import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from '../support/temporal';
import {
  freshDatabase,
  providers,
  testMailpitApi,
  testSmtpUrl,
  type TestDatabase,
} from '../support/databases';
import { MailpitApi } from '../support/mailpit';
import { runPhoihop } from '../support/cli';
import { projectRoot } from '../support/tools';

const tsx = join(projectRoot, 'node_modules/.bin/tsx');
const AGENCY_WORKFLOW = 'cycle:dien-bien-kh99:2027:SO-YT';

/**
 * The processes as a person runs them: the real worker process (`src/worker.ts`) and the real CLI
 * (`bin/phoihop`) against the Temporal dev server, a real SMTP server and each database, migrated from
 * zero. The CLI imports the directory and starts a cycle; the worker writes the read model and sends
 * the first request; the worker stops cleanly on SIGTERM.
 */
describe.each(providers)('the worker and CLI processes on the dev server with %s', (provider) => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let worker: ChildProcess;
  let processEnv: Record<string, string>;
  let workerLog = '';
  let dir: string;
  const mail = new MailpitApi(testMailpitApi());
  // A From domain of its own: the Message-IDs (derived from it) then tell this file's emails apart.
  const fromAddress = `vanthu@${provider}.worker-process.example`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `phoihop-worker-${provider}-`));
    env = await createLocalEnv();
    database = await freshDatabase(provider, `worker_process_${provider}`);
    processEnv = {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      PHOIHOP_TASK_QUEUE: `worker-process-${provider}`,
      DATABASE_URL: database.url,
      PHOIHOP_DATA: dir,
      SMTP_URL: testSmtpUrl(),
      SMTP_FROM: `Sở VHTTDL Điện Biên <${fromAddress}>`,
    };
    worker = spawn(tsx, [join(projectRoot, 'src/worker.ts')], {
      env: { ...process.env, ...processEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        workerLog += chunk.toString();
        if (workerLog.includes('worker running')) resolve();
      };
      worker.stdout!.on('data', onData);
      worker.stderr!.on('data', onData);
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${workerLog}`)));
    });
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
    await env?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the CLI starts a cycle; the worker records it and sends the first request', async () => {
    const imported = await runPhoihop(
      [
        'directory',
        'import',
        join(projectRoot, 'test/fixtures/directory-small.csv'),
        '--effective-from',
        '2025-07-01',
      ],
      processEnv,
    );
    expect(imported).toMatchObject({ code: 0 });

    // A year in about 4.5 hours: the annual plan is requested about 2 seconds in.
    const started = await runPhoihop(
      ['cycle', 'start', '--program', 'dien-bien-kh99', '--year', '2027', '--scale', '2000', '--json'],
      processEnv,
    );
    expect(started).toMatchObject({ code: 0 });
    const result = JSON.parse(started.stdout) as { workflowId: string; uiUrl: string };
    expect(result.workflowId).toBe('cycle:dien-bien-kh99:2027');
    expect(result.uiUrl).toContain(`/namespaces/default/workflows/${encodeURIComponent(result.workflowId)}`);

    const deadline = Date.now() + 60_000;
    let request = await database.db.prisma.notification.findFirst({
      where: { workflowId: AGENCY_WORKFLOW, step: { endsWith: 'request' }, status: 'sent' },
    });
    while (!request) {
      if (Date.now() > deadline) throw new Error(`no request was sent within 60 s:\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 250));
      request = await database.db.prisma.notification.findFirst({
        where: { workflowId: AGENCY_WORKFLOW, step: { endsWith: 'request' }, status: 'sent' },
      });
    }
    expect(request).toMatchObject({ recipient: 'ha.tt@soyt.dienbien.example', attempts: 1 });
    expect(request.messageId).toMatch(new RegExp(`@${provider}\\.worker-process\\.example>$`));

    const [received] = await mail.waitFor((m) => `<${m.MessageID}>` === request.messageId);
    expect(received!.From).toEqual({ Name: 'Sở VHTTDL Điện Biên', Address: fromAddress });
    expect(received!.To.map((t) => t.Address)).toEqual(['ha.tt@soyt.dienbien.example']);

    // The histories are in the dev server, and the cycle and the agency's workflow run.
    for (const workflowId of [result.workflowId, AGENCY_WORKFLOW]) {
      const description = await env.client.workflow.getHandle(workflowId).describe();
      expect({ workflowId, status: description.status.name }).toEqual({ workflowId, status: 'RUNNING' });
    }
  });

  it('the worker stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workerLog).toContain('worker stopped');
  });
});
