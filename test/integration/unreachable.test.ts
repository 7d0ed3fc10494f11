import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectClient } from '../../src/temporal/connection';
import { temporalConfigFromEnv } from '../../src/config/temporal';
import { createMailer } from '../../src/mail/mailer';
import { ServiceUnreachableError } from '../../src/config/unreachable';
import { projectRoot } from '../support/tools';
import { freePort } from '../support/ports';

const run = promisify(execFile);

/** Runs the real worker entry point and returns its exit code and output. */
async function runWorker(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(join(projectRoot, 'node_modules/.bin/tsx'), [join(projectRoot, 'src/worker.ts')], {
      env: { ...process.env, ...env },
      timeout: 60000,
    });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('unreachable services and bad settings are reported plainly', () => {
  it('names Temporal, where it looked and how to fix it', async () => {
    const port = await freePort(); // nothing listens there
    const config = temporalConfigFromEnv({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    const error = await connectClient(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect((error as Error).message).toMatch(new RegExp(`^Cannot reach Temporal at 127\\.0\\.0\\.1:${port}`));
    expect((error as Error).message).toContain('How to fix: start the embedded stack');
  });

  it('names SMTP and where it looked', async () => {
    const port = await freePort();
    const mailer = createMailer({ url: `smtp://127.0.0.1:${port}`, from: 'x@example.gov.vn' });
    const error = await mailer.verify().catch((e: unknown) => e);
    mailer.close();
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot reach SMTP at smtp://127\\.0\\.0\\.1:${port}`),
    );
  });

  it('the worker exits with one readable line when Temporal is down, without a stack trace', async () => {
    const port = await freePort();
    const { code, stderr } = await runWorker({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stderr).toContain(`Cannot reach Temporal at 127.0.0.1:${port}`);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('the worker reports every unreachable service at once', async () => {
    const [temporalPort, pgPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
    const { code, stderr } = await runWorker({
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      DATABASE_URL: `postgresql://phoihop:s3cret@127.0.0.1:${pgPort}/phoihop`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`Cannot reach Temporal at 127.0.0.1:${temporalPort}`);
    expect(stderr).toMatch(
      new RegExp(`Cannot connect to the PostgreSQL database .*127\\.0\\.0\\.1:${pgPort}`),
    );
    expect(stderr).toContain(`Cannot reach SMTP at smtp://127.0.0.1:${smtpPort}`);
    expect(stderr).not.toContain('s3cret');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('the worker names a malformed environment variable', async () => {
    const { code, stderr } = await runWorker({ TEMPORAL_ADDRESS: 'temporal-without-port' });
    expect(code).toBe(1);
    expect(stderr).toContain('TEMPORAL_ADDRESS: "temporal-without-port" is not host:port');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
