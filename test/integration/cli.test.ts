import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from '../support/temporal';
import { freshDatabase, testSmtpUrl, type TestDatabase } from '../support/databases';
import { runningWorker, TEST_FROM } from '../support/worker';
import { runPhoihop, type CliRun } from '../support/cli';
import { projectRoot } from '../support/tools';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import type { AgencyObligationsStatus } from '../../src/workflows/obligation-types';

const PROGRAM = ['--program', 'dien-bien-kh99', '--year', '2027'];

/**
 * The coordinator's command line as people run it (`bin/phoihop`, a separate process) against the real
 * dev server, database and worker: directory import, cycle start (once), status, and each action, with
 * its refusals.
 */
describe('bin/phoihop, the coordinator CLI', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  let dir: string;
  const taskQueue = 'cli-test';

  function phoihop(...args: string[]): Promise<CliRun> {
    return runPhoihop(args, {
      TEMPORAL_ADDRESS: env.address,
      PHOIHOP_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.url,
      PHOIHOP_DATA: dir,
    });
  }

  async function agency(code: string): Promise<AgencyObligationsStatus> {
    const run = await phoihop('cycle', 'status', ...PROGRAM, '--agency', code, '--json');
    expect(run).toMatchObject({ code: 0 });
    return JSON.parse(run.stdout) as AgencyObligationsStatus;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phoihop-cli-'));
    env = await createLocalEnv();
    database = await freshDatabase('sqlite', 'cli');
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
  });

  afterAll(async () => {
    await worker?.stop();
    mailer?.close();
    await database?.drop();
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a directory, and refuses a file with bad rows, naming each, importing nothing', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      [
        'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email,deputy_name,deputy_email',
        'SO-XD,Sở Xây dựng,Department of Construction,department,,Lò Văn A,a@soxd.dienbien.example,Lò Văn B,b@soxd.dienbien.example,,',
        'SO-CT,Sở Công Thương,Department of Industry and Trade,department,,Lò Văn C,not-an-email,Lò Văn D,d@soct.dienbien.example,,',
        'SO-NV,Sở Nội vụ,Department of Home Affairs,ministry,,Lò Văn E,e@sonv.dienbien.example,Lò Văn G,g@sonv.dienbien.example,,',
      ].join('\n') + '\n',
    );
    const refused = await phoihop('directory', 'import', bad, '--effective-from', '2025-07-01');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/2 problems \(nothing was changed\)/);
    expect(refused.stderr).toMatch(/bad\.csv:3 \[focal_point_email\]/);
    expect(refused.stderr).toMatch(/bad\.csv:4 \[group\]/);
    expect(await database.db.prisma.agency.count()).toBe(0);

    const imported = await phoihop(
      'directory',
      'import',
      join(projectRoot, 'test/fixtures/directory-small.csv'),
      '--effective-from',
      '2025-07-01',
    );
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toMatch(
      /directory imported: revision #\d+, hiệu lực từ \/ in force from 2025-07-01/,
    );
    expect(imported.stdout).toMatch(/mới \/ new 4, /);
    expect(await database.db.prisma.agency.count()).toBe(4);
  });

  it('starts a cycle once, then steers one agency with each action, saying why when refused', async () => {
    // A year in about 4.5 hours: the annual plan is requested 2 seconds in and is due 20 minutes later.
    const started = await phoihop('cycle', 'start', ...PROGRAM, '--scale', '2000');
    expect(started).toMatchObject({ code: 0 });
    expect(started.stdout).toContain('cycle started: cycle:dien-bien-kh99:2027');
    const again = await phoihop('cycle', 'start', ...PROGRAM, '--scale', '2000');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already started \(workflow cycle:dien-bien-kh99:2027\)/);

    const deadline = Date.now() + 30_000;
    while ((await agency('SO-YT').catch(() => undefined))?.obligations[0]?.stage !== 'requested') {
      if (Date.now() > deadline) throw new Error('SO-YT was not asked for its annual plan within 30 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const act = (name: string, code: string, ...extra: string[]) =>
      phoihop(name, ...PROGRAM, '--agency', code, '--milestone', 'annual-plan', ...extra);

    expect(await act('remind', 'SO-YT')).toMatchObject({ code: 0, stdout: 'OK\n' });
    const reminders = await database.db.prisma.notification.findMany({
      where: { workflowId: 'cycle:dien-bien-kh99:2027:SO-YT', step: { contains: 'remind' } },
    });
    expect(reminders.length).toBeGreaterThan(0);

    expect(await act('extend', 'SO-YT', '--until', '2027-03-01', '--reason', 'Chờ số liệu')).toMatchObject({
      code: 0,
      stdout: 'OK: 2027-03-01\n',
    });
    expect((await agency('SO-YT')).obligations[0]).toMatchObject({
      due: '2027-03-01',
      originalDue: '2027-02-12',
    });

    const earlier = await act('extend', 'SO-YT', '--until', '2027-02-01', '--reason', 'x');
    expect(earlier.code).toBe(1);
    expect(earlier.stderr).toMatch(/refused: .*not after the current one \(2027-03-01\)/);
    for (const name of ['accept', 'return']) {
      const refused = await act(name, 'SO-YT', ...(name === 'return' ? ['--reason', 'Bổ sung số liệu'] : []));
      expect({ name, code: refused.code }).toEqual({ name, code: 1 });
      expect(refused.stderr).toMatch(/refused: .*no submission waiting for review/);
    }
    const missingReason = await act('waive', 'SO-TP');
    expect(missingReason.code).toBe(1);
    expect(missingReason.stderr).toMatch(/required option '--reason <text>' not specified/);

    expect(await act('waive', 'SO-TP', '--reason', 'Đơn vị sáp nhập')).toMatchObject({ code: 0 });
    expect((await agency('SO-TP')).obligations[0]!.stage).toBe('waived');

    const counts = await phoihop('cycle', 'status', ...PROGRAM, '--json');
    expect(counts).toMatchObject({ code: 0 });
    expect(JSON.parse(counts.stdout)).toMatchObject({
      status: 'running',
      counts: { 'annual-plan': { waived: 1 } },
    });
    const readable = await phoihop('cycle', 'status', ...PROGRAM);
    expect(readable.stdout).toMatch(/^dien-bien-kh99 2027: running\n {2}annual-plan +.*waived 1/);

    const cancelled = await phoihop('cycle', 'cancel', ...PROGRAM);
    expect(cancelled).toMatchObject({ code: 0 });
    expect(cancelled.stdout).toContain('cancellation requested: cycle:dien-bien-kh99:2027');
    await env.client.workflow
      .getHandle('cycle:dien-bien-kh99:2027')
      .result()
      .catch(() => undefined);
    const cycle = await database.db.prisma.cycle.findFirstOrThrow({ where: { year: 2027 } });
    expect(cycle.status).toBe('cancelled');
  });
});
