import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
import { projectRoot } from '../support/tools';

const run = promisify(execFile);
const tsx = join(projectRoot, 'node_modules/.bin/tsx');

/**
 * The foundation's path end to end, as a person runs it: the real worker process and the real CLI
 * against the Temporal dev server, a real SMTP server and each database, migrated from zero.
 */
describe.each(providers)('hello end to end on the dev server with %s', (provider) => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let worker: ChildProcess;
  let workerEnv: NodeJS.ProcessEnv;
  let workerLog = '';
  const mail = new MailpitApi(testMailpitApi());

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await freshDatabase(provider, `hello_e2e_${provider}`);
    workerEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      PHOIHOP_TASK_QUEUE: `hello-e2e-${provider}`,
      DATABASE_URL: database.url,
      SMTP_URL: testSmtpUrl(),
      SMTP_FROM: 'Sở VHTTDL Điện Biên <vanthu@example.gov.vn>',
    };
    worker = spawn(tsx, [join(projectRoot, 'src/worker.ts')], {
      env: workerEnv,
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
  });

  it('the CLI starts the workflow; the worker writes the row and sends the email', async () => {
    const workflowId = `hello:e2e:${provider}:${Date.now()}`;
    const email = `e2e-${provider}-${Date.now()}@example.gov.vn`;
    const { stdout } = await run(
      join(projectRoot, 'bin/phoihop'),
      ['hello', '--name', 'UBND xã Mường Phăng', '--email', email, '--workflow-id', workflowId, '--json'],
      { env: workerEnv, timeout: 60000 },
    );
    const result = JSON.parse(stdout) as {
      workflowId: string;
      helloRunId: number;
      messageId: string;
      uiUrl: string;
    };
    expect(result.workflowId).toBe(workflowId);
    expect(result.uiUrl).toContain(`/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);

    const row = await database.db.prisma.helloRun.findUniqueOrThrow({ where: { workflowId } });
    expect(row).toMatchObject({ id: result.helloRunId, name: 'UBND xã Mường Phăng' });

    const [received] = await mail.waitFor((m) => m.To.some((t) => t.Address === email));
    expect(received!.Subject).toBe('Phối hợp: xin chào UBND xã Mường Phăng / hello UBND xã Mường Phăng');
    expect(received!.From).toEqual({ Name: 'Sở VHTTDL Điện Biên', Address: 'vanthu@example.gov.vn' });
    expect(`<${received!.MessageID}>`).toBe(result.messageId);
    expect(result.messageId).toMatch(/@example\.gov\.vn>$/);

    // The history is in the dev server, and the workflow completed.
    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
  });

  it('the worker stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workerLog).toContain('worker stopped');
  });
});
