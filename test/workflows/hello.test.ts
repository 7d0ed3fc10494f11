import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/temporal';
import { freshDatabase, testMailpitApi, testSmtpUrl, type TestDatabase } from '../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../support/mailpit';
import { freePort } from '../support/ports';
import { recordHistory } from '../support/histories';
import { testWorker } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import type { HelloResult } from '../../src/workflows';

const FROM = 'Phối hợp <phoihop@example.gov.vn>';

/**
 * The hello workflow under the time-skipping test server, with its real activities: a SQLite database
 * migrated from zero and a real SMTP server (Mailpit) on loopback.
 */
describe('hello workflow (time-skipping server, real activities)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let database: TestDatabase;
  const mail = new MailpitApi(testMailpitApi());

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
    database = await freshDatabase('sqlite', 'hello_workflow');
  });

  afterAll(async () => {
    await database?.drop();
    await env?.teardown();
  });

  async function runHello(mailer: Mailer, email: string, workflowId = `hello:${randomUUID()}`) {
    const taskQueue = `hello-${randomUUID()}`;
    const worker = await testWorker(env, { taskQueue, db: database.db, mailer, bundle, from: FROM });
    return worker.runUntil(
      () =>
        env.client.workflow.execute('hello', {
          taskQueue,
          workflowId,
          args: [{ name: 'Sở Y tế', email }],
        }) as Promise<HelloResult>,
    );
  }

  it('writes one row and sends one email', async () => {
    const mailer = createMailer({ url: testSmtpUrl(), from: FROM });
    const email = `soyte-${randomUUID()}@example.gov.vn`;
    const workflowId = `hello:${randomUUID()}`;
    const result = await runHello(mailer, email, workflowId);
    mailer.close();

    const row = await database.db.prisma.helloRun.findUniqueOrThrow({ where: { workflowId } });
    expect(row).toMatchObject({ id: result.helloRunId, name: 'Sở Y tế' });

    const [received] = await mail.waitFor((m) => m.To.some((t) => t.Address === email));
    expect(received!.Subject).toBe('Phối hợp: xin chào Sở Y tế / hello Sở Y tế');
    expect(`<${received!.MessageID}>`).toBe(result.messageId);
    const body = await mail.get(received!.ID);
    expect(body.Text).toContain('Xin chào Sở Y tế,');
    expect(body.Text).toContain(`Mã quy trình: ${workflowId}`);

    await recordHistory(env, workflowId, 'hello-completed');

    const log = await database.db.prisma.notification.findMany({ where: { workflowId } });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'sent', attempts: 1, recipient: email, step: 'hello' });
  });

  it('retries while SMTP is down and sends exactly once when it is back', async () => {
    const port = await freePort(); // nothing listens there yet
    const mailer = createMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM });
    const email = `late-${randomUUID()}@example.gov.vn`;
    const workflowId = `hello:${randomUUID()}`;
    let server: TestMailServer | undefined;
    try {
      const result = runHello(mailer, email, workflowId);
      // Wait until an attempt has failed on the refused connection, then bring the SMTP server up there.
      for (let i = 0; ; i++) {
        const row = await database.db.prisma.notification.findFirst({ where: { workflowId } });
        if (row?.error) {
          expect(row.error).toMatch(/ECONNREFUSED/);
          break;
        }
        if (i > 300) throw new Error('no failed attempt was recorded');
        await new Promise((r) => setTimeout(r, 100));
      }
      server = await startMailpit({ smtpPort: port });
      await result;
      const arrived = await new MailpitApi(server.apiUrl).waitFor((m) =>
        m.To.some((t) => t.Address === email),
      );
      expect(arrived).toHaveLength(1);
      const [row] = await database.db.prisma.notification.findMany({ where: { workflowId } });
      expect(row).toMatchObject({ status: 'sent', error: null });
      expect(row!.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      mailer.close();
      await server?.stop();
    }
  });

  it('fails without retrying when the SMTP server refuses the address for good', async () => {
    const picky = await startMailpit({ allowedRecipients: '@example\\.gov\\.vn$' });
    const mailer = createMailer({ url: picky.smtpUrl, from: FROM });
    const workflowId = `hello:${randomUUID()}`;
    try {
      const error = await runHello(mailer, 'nobody@elsewhere.invalid', workflowId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause?.cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('PermanentEmailFailure');
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
      const [row] = await database.db.prisma.notification.findMany({ where: { workflowId } });
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row!.error).toMatch(/550|rejected|not allowed/i);
      expect(await new MailpitApi(picky.apiUrl).list()).toHaveLength(0);
    } finally {
      mailer.close();
      await picky.stop();
    }
  });
});
