/**
 * The agency portal under load: requests per second and p50/p99 latency for opening a task page (GET
 * /nhiem-vu/<token>) and for submitting (POST, the workflow's `submit` Update), with everything real: a
 * private Temporal dev server, Mailpit, a migrated SQLite database, the worker in this process and the
 * portal on a loopback port. The load generator (autocannon) runs in a child process, so that it does not
 * share the portal's event loop.
 *
 *   npx tsx bench/portal-load.ts --agencies 300 [--seconds 30] [--connections 20] [--rate 10]
 *
 * N agencies each get a running `agencyObligations` workflow owing the annual plan, its request sent (the
 * portal's "today" is five days later). Then:
 *   (a) GET: `--seconds` of task-page opens over all N agencies' links, `--connections` at a time;
 *   (b) POST: one first submission per agency (N in all, each with its own form key), `--connections` at a
 *       time; afterwards the Submission rows must equal the successful submits (303) and Mailpit must hold
 *       exactly one receipt per submitting agency.
 * `--rate` is the worker's email rate limit (default: the production default); a submit waits for its
 * receipt email, so it bounds submits per second. Prints a table and writes bench/results/portal-load-<n>.json
 * (`-rate-<r>` appended when not the default). BENCH_PROFILE=get or post writes a CPU profile of this
 * process (portal + worker) during that phase to bench/results/portal-<phase>.cpuprofile.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { agencyObligations } from '../src/workflows/agency-obligations';

/** What the child process reads: one autocannon run. */
interface DriveSpec {
  url: string;
  method: 'GET' | 'POST';
  /** Paths, one per request in turn (GET: cycled; POST: each used once, in order). */
  paths: string[];
  /** POST bodies, aligned with `paths`. */
  bodies?: string[];
  connections: number;
  /** GET: duration in seconds; POST: `amount` is paths.length. */
  seconds?: number;
}

/** The part of autocannon's result the bench reads (the package ships no types). */
interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  total: number;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  mismatches: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram;
  requests: Histogram;
  start: string | Date;
  finish: string | Date;
}
type Autocannon = (
  opts: Record<string, unknown>,
  cb: (err: Error | null, result: AutocannonResult) => void,
) => unknown;

/** Child mode: runs autocannon as the spec says and prints its result as JSON on stdout's last line. */
async function drive(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as DriveSpec;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as Autocannon;
  let next = 0;
  const post = spec.method === 'POST';
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(post ? { amount: spec.paths.length } : { duration: spec.seconds ?? 30 }),
        timeout: 60,
        requests: [
          {
            method: spec.method,
            ...(post ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
            setupRequest: (req: Record<string, unknown>) => {
              const i = next++ % spec.paths.length;
              return { ...req, path: spec.paths[i], ...(post ? { body: spec.bodies![i] } : {}) };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  process.stdout.write('\n' + JSON.stringify({ ...result, built: next }) + '\n');
}

if (process.argv[2] === '--drive') {
  drive(process.argv[3]!).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/** Runs one autocannon load in a child process (tsx, this file in --drive mode). */
function runLoad(dir: string, spec: DriveSpec): Promise<AutocannonResult & { built: number }> {
  const file = join(dir, `drive-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [__filename, '--drive', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as AutocannonResult & { built: number });
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      agencies: { type: 'string', default: '300' },
      seconds: { type: 'string', default: '30' },
      connections: { type: 'string', default: '20' },
      rate: { type: 'string' },
    },
  });
  // Loaded here, not at the top: the child (--drive) needs none of it.
  const { createLocalEnv } = await import('../test/support/temporal');
  const { freshDatabase } = await import('../test/support/databases');
  const { MailpitApi, startMailpit } = await import('../test/support/mailpit');
  const { createMailer } = await import('../src/mail/mailer');
  const { createWorker } = await import('../src/temporal/create-worker');
  const { importDirectoryFile } = await import('../src/directory/import-file');
  const { computePlan, HOLIDAYS_DIR } = await import('../src/cycle/compute-plan');
  const { findProgram } = await import('../src/programs/find');
  const { registerProgramVersion } = await import('../src/programs/store');
  const { buildCalendarData } = await import('../src/calendar/load');
  const { localInstant } = await import('../src/cycle/clock');
  const { yearsTouchedBy } = await import('../src/cycle/plan');
  const { signTaskToken } = await import('../src/links/task-link');
  const { buildWebServer } = await import('../src/web/server');
  const { agencyWorkflowId } = await import('../src/workflows/obligation-types');
  const { DEFAULT_MAX_EMAILS_PER_SECOND } = await import('../src/config/smtp');
  type Input = import('../src/workflows/obligation-types').AgencyObligationsInput;

  const agencies = Number(values.agencies);
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const rate = values.rate ? Number(values.rate) : DEFAULT_MAX_EMAILS_PER_SECOND;
  if (![agencies, seconds, connections, rate].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error('--agencies, --seconds, --connections and --rate: positive integers');
  }
  if (connections > agencies) throw new Error('--connections cannot exceed --agencies');
  const PROGRAM = 'dien-bien-kh99';
  const YEAR = 2027;
  const MILESTONE = 'annual-plan';
  // "Today" for the workflows and the page: 20/01/2027 10:00, five days after the request date (15/01).
  const TODAY = localInstant('2027-01-20', 10);
  const FROM = 'Sở VHTTDL <vanthu@sovhttdl.dienbien.example>';
  const links = { publicUrl: 'http://127.0.0.1:8080', secret: 'b'.repeat(64) };
  const profilePhase = process.env.BENCH_PROFILE;

  const started = Date.now();
  const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
  const dir = mkdtempSync(join(tmpdir(), 'phoihop-portal-bench-'));
  // Everything started is stopped in reverse order, each step on its own (one failing does not skip the rest).
  const stops: [string, () => Promise<unknown> | unknown][] = [
    ['temp dir', () => rmSync(dir, { recursive: true, force: true })],
  ];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  stops.push(['sampler', () => clearInterval(sampler)]);
  try {
    const env = await createLocalEnv();
    stops.push(['temporal', () => env.teardown()]);
    const smtp = await startMailpit();
    stops.push(['mailpit', () => smtp.stop()]);
    const database = await freshDatabase('sqlite', 'bench_portal');
    stops.push(['database', () => database.drop()]);
    const db = database.db;
    const mailer = createMailer({ url: smtp.smtpUrl, from: FROM });
    stops.push(['mailer', () => mailer.close()]);
    const mail = new MailpitApi(smtp.apiUrl);

    // The directory: the lead and N synthetic agencies; Plan 99 stored; the 2027 Cycle row (as seedCycle).
    const csv = join(dir, 'directory.csv');
    const codes = Array.from({ length: agencies }, (_, i) => `BENCH-${String(i + 1).padStart(5, '0')}`);
    writeFileSync(
      csv,
      [
        'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email,deputy_name,deputy_email',
        '"SO-VHTTDL","Sở Văn hóa, Thể thao và Du lịch","Department of Culture, Sports and Tourism",department,,' +
          'Sình Thị Pà,pa.st@sovhttdl.dienbien.example,Nguyễn Quang Nam,nam.nq@sovhttdl.dienbien.example,,',
        ...codes.map(
          (code, i) =>
            `${code},Sở Thử nghiệm ${i + 1},Test Department ${i + 1},department,,Lò Văn Một,` +
            `focal.${code.toLowerCase()}@bench.dienbien.example,Quàng Thị Hai,head.${code.toLowerCase()}@bench.dienbien.example,,`,
        ),
      ].join('\n') + '\n',
    );
    await importDirectoryFile(db, csv, '2025-07-01', 'bench');
    const program = findProgram(PROGRAM);
    const stored = await registerProgramVersion(db, program.definition, program.hash);
    const plan = computePlan(program, YEAR);
    const cycle = await db.prisma.cycle.create({
      data: {
        programId: stored.programId,
        programVersionId: stored.programVersionId,
        year: YEAR,
        status: 'running',
        startedAt: new Date(`${plan.startsOn}T00:00:00Z`),
      },
    });
    log(`directory of ${agencies} agencies, Plan 99 and the ${YEAR} cycle stored`);

    const taskQueue = 'bench-portal';
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      maxEmailsPerSecond: rate,
      deps: { db, mailer, from: FROM, links, filesRoot: join(dir, 'files') },
    });
    let workerError: unknown;
    // Settled either way: a failing worker is reported, never an unhandled rejection.
    const running = worker.run().catch((err: unknown) => (workerError = err));
    stops.push([
      'worker',
      async () => {
        worker.shutdown();
        await running;
      },
    ]);

    const app = buildWebServer({
      db,
      links,
      files: { root: join(dir, 'files'), maxFileBytes: 20 * 1024 * 1024, maxFiles: 5 },
      now: () => TODAY,
      temporal: env.client,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    stops.push(['portal', () => app.close()]);
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    log(`worker running (email rate ${rate}/s), portal on ${base}`);

    // One workflow per agency, owing the annual plan; its request (15/01) is already due, so it goes at once.
    const annual = plan.milestones.find((m) => m.key === MILESTONE)!;
    const calendar = buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR);
    const workflowIds = codes.map((code) => agencyWorkflowId(PROGRAM, YEAR, code));
    const t0 = Date.now();
    await pool(codes, 16, async (code, i) => {
      const input: Input = {
        cycleId: cycle.id,
        program: PROGRAM,
        year: YEAR,
        programVersionId: stored.programVersionId,
        agency: { code, name: `Sở Thử nghiệm ${i + 1}`, group: 'department' },
        milestones: [annual],
        calendar,
        clock: { originMs: TODAY, scale: 1 },
        closesOn: plan.endsOn,
      };
      await env.client.workflow.start(agencyObligations, {
        taskQueue,
        workflowId: workflowIds[i]!,
        args: [input],
      });
    });
    log(`${agencies} agency workflows started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    stops.push([
      'workflows',
      () =>
        pool(workflowIds, 16, (id) =>
          env.client.workflow
            .getHandle(id)
            .terminate('bench done')
            .then(
              () => undefined,
              () => undefined,
            ),
        ),
    ]);
    // Ready when every obligation is 'requested' in the read model and every request email has arrived.
    for (;;) {
      if (workerError) throw workerError;
      const requested = await db.prisma.obligation.count({ where: { status: 'requested' } });
      const delivered = await mail.total();
      if (requested >= agencies && delivered >= agencies) break;
      if (Date.now() - t0 > 30 * 60_000)
        throw new Error(`not ready: ${requested} requested, ${delivered} emails`);
      await sleep(1000);
    }
    const readyS = (Date.now() - t0) / 1000;
    log(`every agency has its request (${agencies} emails) after ${readyS.toFixed(0)} s`);
    await sleep(2000);
    const requestEmails = await mail.total();
    if (requestEmails !== agencies)
      throw new Error(`${requestEmails} request emails for ${agencies} agencies`);

    const expires = new Date(`${plan.endsOn}T23:59:59+07:00`);
    const paths = codes.map(
      (code, i) =>
        `/nhiem-vu/${signTaskToken({ cycleId: workflowIds[i]!, agency: code, milestone: MILESTONE }, expires, links.secret)}`,
    );
    const sample = await fetch(`${base}${paths[0]}`);
    const sampleHtml = await sample.text();
    if (
      sample.status !== 200 ||
      !sampleHtml.includes('Sở Thử nghiệm 1') ||
      !sampleHtml.includes('name="key"')
    ) {
      throw new Error(`the task page is not what was expected (${sample.status})`);
    }
    const pageBytes = Buffer.byteLength(sampleHtml);

    // (a) GET: a short warm-up, then the measured run.
    await runLoad(dir, { url: base, method: 'GET', paths, connections, seconds: 3 });
    log(`GET: ${seconds} s, ${connections} connections, over ${agencies} links`);
    const stopGetProfile = profilePhase === 'get' ? await startProfile() : undefined;
    const loadBefore = { get: loadavg()[0]!, post: 0 };
    const get = await runLoad(dir, { url: base, method: 'GET', paths, connections, seconds });
    const loadAfter = { get: loadavg()[0]!, post: 0 };
    if (stopGetProfile) await stopGetProfile('portal-get');

    // (b) POST: one first submission per agency, each under its own form key.
    await mail.clear();
    const bodies = codes.map((code) =>
      new URLSearchParams({
        key: randomUUID(),
        submittedBy: 'Lò Văn Một',
        summary: `Kế hoạch triển khai năm ${YEAR} của ${code}`,
      }).toString(),
    );
    log(`POST: ${agencies} first submissions, ${connections} connections`);
    const stopPostProfile = profilePhase === 'post' ? await startProfile() : undefined;
    loadBefore.post = loadavg()[0]!;
    const post = await runLoad(dir, { url: base, method: 'POST', paths, bodies, connections });
    loadAfter.post = loadavg()[0]!;
    if (stopPostProfile) await stopPostProfile('portal-post');

    // Checks: a Submission row per 303, one receipt per submitting agency in Mailpit (the Update returns
    // once the receipt activity completed, so they are all there; a short wait for stragglers regardless).
    const accepted = post.statusCodeStats['303']?.count ?? 0;
    const submissions = await db.prisma.submission.count();
    let receipts: { to: string }[] = [];
    for (let i = 0; i < 20; i++) {
      receipts = await allMessages(smtp.apiUrl);
      if (receipts.length >= accepted) break;
      await sleep(500);
    }
    await sleep(2000);
    receipts = await allMessages(smtp.apiUrl);
    const perRecipient = new Map<string, number>();
    for (const r of receipts) perRecipient.set(r.to, (perRecipient.get(r.to) ?? 0) + 1);
    const duplicates = [...perRecipient.values()].filter((n) => n > 1).length;
    const problems: string[] = [];
    if (get.errors || get.timeouts || get.non2xx)
      problems.push(`GET: ${get.errors} errors, ${get.non2xx} non-2xx`);
    if (accepted !== agencies) problems.push(`POST: ${accepted} of ${agencies} submits answered 303`);
    if (submissions !== accepted)
      problems.push(`${submissions} Submission rows for ${accepted} successful submits`);
    if (receipts.length !== accepted || duplicates > 0 || perRecipient.size !== accepted) {
      problems.push(
        `${receipts.length} receipt emails to ${perRecipient.size} agencies (${duplicates} twice or more) for ${accepted} submits`,
      );
    }

    const figures = {
      date: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? '?',
        memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
        node: process.version,
        // 1-minute load average before and after each phase (objects, not arrays: the file stays as Prettier writes it): anything else running skews the figures.
        loadAverage: {
          get: { before: +loadBefore.get.toFixed(2), after: +loadAfter.get.toFixed(2) },
          post: { before: +loadBefore.post.toFixed(2), after: +loadAfter.post.toFixed(2) },
        },
        note: 'one machine: the Temporal dev server (SQLite), Mailpit, this process (portal + worker) and the load generator (child process) share the cores',
      },
      agencies,
      connections,
      emailRateLimitPerSecond: rate,
      setupSeconds: +readyS.toFixed(1),
      taskPage: {
        seconds: get.duration,
        requests: get.requests.total,
        requestsPerSecond: +(get.requests.total / get.duration).toFixed(1),
        latencyMs: {
          p50: get.latency.p50,
          p90: get.latency.p90,
          p99: get.latency.p99,
          max: get.latency.max,
          mean: get.latency.mean,
        },
        errors: get.errors,
        timeouts: get.timeouts,
        non2xx: get.non2xx,
        statusCodes: counts(get.statusCodeStats),
        pageBytes,
      },
      submit: {
        seconds: post.duration,
        requests: post.requests.total,
        submitsPerSecond: +(accepted / post.duration).toFixed(1),
        latencyMs: {
          p50: post.latency.p50,
          p90: post.latency.p90,
          p99: post.latency.p99,
          max: post.latency.max,
          mean: post.latency.mean,
        },
        errors: post.errors,
        timeouts: post.timeouts,
        statusCodes: counts(post.statusCodeStats),
        submissionRows: submissions,
        receiptEmails: receipts.length,
        receiptRecipients: perRecipient.size,
        receiptsTwice: duplicates,
      },
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      problems,
    };
    console.log(JSON.stringify(figures, null, 2));
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    const name = `portal-load-${agencies}${rate === DEFAULT_MAX_EMAILS_PER_SECOND ? '' : `-rate-${rate}`}.json`;
    writeFileSync(join(out, name), JSON.stringify(figures, null, 2) + '\n');
    console.table({
      'task page (GET)': {
        'req/s': figures.taskPage.requestsPerSecond,
        'p50 ms': get.latency.p50,
        'p99 ms': get.latency.p99,
        requests: get.requests.total,
        errors: get.errors + get.timeouts + get.non2xx,
      },
      'submit (POST)': {
        'req/s': figures.submit.submitsPerSecond,
        'p50 ms': post.latency.p50,
        'p99 ms': post.latency.p99,
        requests: post.requests.total,
        errors: post.errors + post.timeouts + (post.requests.total - accepted),
      },
    });
    log(`written to bench/results/${name}`);
    if (workerError) throw workerError;
    if (problems.length > 0) throw new Error(problems.join('; '));
  } finally {
    for (const [what, stop] of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        console.error(`[bench] stopping ${what}:`, err);
      }
    }
  }
}

function counts(stats: Record<string, { count: number }>): Record<string, number> {
  return Object.fromEntries(Object.entries(stats).map(([code, s]) => [code, s.count]));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function pool<T>(
  items: T[],
  size: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** Every message Mailpit holds, by recipient (paged: its list answers at most 1,000 at a time). */
async function allMessages(apiUrl: string): Promise<{ to: string }[]> {
  const found: { to: string }[] = [];
  for (let start = 0; ; start += 1000) {
    const res = await fetch(`${apiUrl}/api/v1/messages?start=${start}&limit=1000`);
    if (!res.ok) throw new Error(`Mailpit API: ${res.status}`);
    const { messages } = (await res.json()) as { messages: { To: { Address: string }[] }[] };
    for (const m of messages) found.push({ to: m.To.map((t) => t.Address).join(',') });
    if (messages.length < 1000) return found;
  }
}

/** Starts a CPU profile of this process (portal and worker); the returned function writes it. */
async function startProfile(): Promise<(name: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
    console.log(`[bench] CPU profile written to bench/results/${name}.cpuprofile`);
  };
}
