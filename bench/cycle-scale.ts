/**
 * A whole Plan 99 cycle for N agencies on a private Temporal dev server, with the real worker (in this
 * process), a real SMTP server (Mailpit) and a SQLite database, time compressed so the year plays out in a
 * few minutes. Every agency answers each milestone as soon as it is asked and the coordinator accepts.
 *
 *   npx tsx bench/cycle-scale.ts --agencies 10000 [--minutes 20] [--rate 300]
 *   npx tsx bench/cycle-scale.ts --baseline-of bench/results/cycle-scale-10000-never.json
 *
 * The second form runs only the engine baseline of a year measured earlier (its shape read from that
 * results file, its figures written back into it): for the largest years, whose two halves do not fit in
 * one sitting.
 *
 * Prints (and writes to bench/results/) the fan-out time, the time to the consolidated summary, the
 * largest workflow histories (events and bytes), events per second, emails delivered per second and the
 * worker's peak memory.
 */
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalEnv } from '../test/support/temporal';
import { freshDatabase } from '../test/support/databases';
import { MailpitApi, startMailpit } from '../test/support/mailpit';
import { createMailer } from '../src/mail/mailer';
import { createWorker } from '../src/temporal/create-worker';
import { importDirectoryFile } from '../src/directory/import-file';
import { startCycle } from '../src/cycle/start';
import { temporalConfigFromEnv } from '../src/config/temporal';
import { computePlan } from '../src/cycle/compute-plan';
import { findProgram } from '../src/programs/find';
import { BATCH_SIZE } from '../src/workflows/annual-cycle';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as baselineActivities from './baseline/activities';
import type { BaselineShape } from './baseline/workflows';
import { acceptUpdate, submitUpdate } from '../src/workflows/messages/agency-obligations';
import { baselineCycle } from './baseline/workflows';
import type { annualCycle } from '../src/workflows/annual-cycle';

const PROGRAM = 'dien-bien-kh99';
const { values } = parseArgs({
  options: {
    agencies: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '300' },
    year: { type: 'string', default: '2031' },
    answer: { type: 'string', default: 'on-time' },
    until: { type: 'string', default: 'year' },
    baseline: { type: 'boolean', default: false },
    'baseline-of': { type: 'string' },
  },
});
const agencies = Number(values.agencies);
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const year = Number(values.year);
/** on-time: every agency answers each milestone once asked; never: nobody answers (the whole ladder). */
const answer = values.answer === 'never' ? 'never' : 'on-time';
/**
 * How far to go: `year` plays the whole year to the consolidated summary; `requests` stops once the first
 * milestone's request has reached every agency (the heaviest moment of a real year: the whole directory
 * asked at once); `fanout` stops once every agency workflow has started. Short of `year`, the cycle is
 * then terminated.
 */
const until = values.until as 'year' | 'requests' | 'fanout';
if (!['year', 'requests', 'fanout'].includes(until)) throw new Error('--until: year, requests or fanout');
const untilRequestsSent = until === 'requests';
/**
 * Workflows kept in the worker's cache, ours and the baseline's alike: every workflow open at once (the
 * agencies, their batches, the cycle, and room for the rest), so that no workflow task replays a history
 * because its workflow was evicted. The SDK's default (from the heap size: about 2,300 at Node's default
 * heap) is below the 10,000-agency year; scripts/bench raises the heap to hold them. BENCH_CACHE overrides.
 */
const workflowCache = process.env.BENCH_CACHE
  ? Number(process.env.BENCH_CACHE)
  : agencies + Math.ceil(agencies / BATCH_SIZE) + 100;

const HEADER =
  'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email,deputy_name,deputy_email';

/** The lead (it owes the consolidation) and N-1 synthetic communes and departments. */
function directoryCsv(n: number): string {
  const lines = [
    HEADER,
    '"SO-VHTTDL","Sở Văn hóa, Thể thao và Du lịch","Department of Culture, Sports and Tourism",department,,' +
      'Sình Thị Pà,pa.st@sovhttdl.dienbien.example,Nguyễn Quang Nam,nam.nq@sovhttdl.dienbien.example,,',
  ];
  for (let i = 1; i < n; i++) {
    const id = String(i).padStart(5, '0');
    const commune = i % 5 !== 0;
    const group = commune ? 'commune_committee' : 'department';
    const name = commune ? `Ủy ban nhân dân xã Thử nghiệm ${id}` : `Sở Thử nghiệm ${id}`;
    const en = commune ? `People's Committee of Test commune ${id}` : `Test Department ${id}`;
    lines.push(
      `BENCH-${id},${name},${en},${group},,Lò Văn Một,focal.${id}@bench.dienbien.example,` +
        `Quàng Thị Hai,head.${id}@bench.dienbien.example,,`,
    );
  }
  return lines.join('\n') + '\n';
}

/** CPU profile of this process (worker, activities, driver) for `seconds`, to bench/results/. */
async function profile(seconds: number): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const { profile: result } = await session.post('Profiler.stop');
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'worker.cpuprofile'), JSON.stringify(result));
  session.disconnect();
  console.log(`[bench] CPU profile written to bench/results/worker.cpuprofile`);
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const EventType = proto.api.enums.v1.EventType;

interface HistoryCounts {
  events: number;
  workflowTasks: number;
  activities: number;
  timers: number;
  children: number;
}

/**
 * The events of a workflow's history, read in pages of 100 events: the client's `fetchHistory` asks for the
 * server's default page (1,000 events), which for a history with large payloads (a batch's agency inputs, or
 * a cycle result as large as the one the 10,000-agency year once returned) exceeds gRPC's 4 MB message limit.
 */
async function historyEvents(env: TestWorkflowEnvironment, workflowId: string) {
  const events: proto.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await env.client.workflowService.getWorkflowExecutionHistory({
      namespace: env.namespace ?? 'default',
      execution: { workflowId },
      maximumPageSize: 100,
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** Counts of the work in the histories of `ids`: workflow tasks, activities, timers, child workflows. */
async function historyCounts(env: TestWorkflowEnvironment, ids: string[]): Promise<HistoryCounts> {
  const counts: HistoryCounts = { events: 0, workflowTasks: 0, activities: 0, timers: 0, children: 0 };
  await pool(ids, 16, async (id) => {
    for (const e of await historyEvents(env, id)) {
      counts.events++;
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) counts.workflowTasks++;
      else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) counts.activities++;
      else if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) counts.timers++;
      else if (e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
        counts.children++;
    }
  });
  return counts;
}

/**
 * When the last child of `batchIds` had started (ms since the epoch): the time of the last
 * ChildWorkflowExecutionStarted event in the batches' histories. The fan-out as the server recorded it
 * (the count of started workflows polled during the run lags behind it by the visibility queue).
 */
/** The batch workflows among a cycle's IDs. */
const batchIdsOf = (ids: string[]) => ids.filter((id) => id.includes(':batch-'));

async function lastChildStartedMs(env: TestWorkflowEnvironment, batchIds: string[]): Promise<number> {
  let last = 0;
  for (const id of batchIds) {
    for (const e of await historyEvents(env, id)) {
      if (e.eventType !== EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED || !e.eventTime) continue;
      last = Math.max(
        last,
        Number(e.eventTime.seconds ?? 0) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6),
      );
    }
  }
  return last;
}

/**
 * The engine baseline (bench/baseline/): the same number of child workflows, timers and activities per
 * agency over the same span, with no application logic. Returns its time and its own counts.
 */
async function runBaseline(
  env: TestWorkflowEnvironment,
  shape: BaselineShape,
  log: (line: string) => void,
  cache = workflowCache,
): Promise<{ seconds: number; fanOutSeconds: number; counts: HistoryCounts }> {
  const taskQueue = 'bench-baseline';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('./baseline/workflows'),
    activities: baselineActivities,
    maxCachedWorkflows: cache,
  });
  const running = worker.run();
  try {
    const workflowId = `baseline-${Date.now()}`;
    const t0 = Date.now();
    log(`baseline: ${shape.agencies} agencies × ${shape.timers} timers and ${shape.activities} activities`);
    await env.client.workflow.execute(baselineCycle, { taskQueue, workflowId, args: [shape] });
    const seconds = (Date.now() - t0) / 1000;
    log(`baseline completed in ${seconds.toFixed(0)} s`);
    const ids = [workflowId];
    const batchIds: string[] = [];
    for (let b = 1; b <= Math.ceil(shape.agencies / shape.batchSize); b++) {
      ids.push(`${workflowId}:batch-${b}`);
      batchIds.push(`${workflowId}:batch-${b}`);
      const first = (b - 1) * shape.batchSize;
      for (let a = first; a < Math.min(first + shape.batchSize, shape.agencies); a++) {
        ids.push(`${workflowId}:batch-${b}:agency-${a + 1}`);
      }
    }
    const fanOutSeconds = ((await lastChildStartedMs(env, batchIds)) - t0) / 1000;
    log(`baseline fan-out (from the batches' histories): ${fanOutSeconds.toFixed(1)} s`);
    return { seconds, fanOutSeconds, counts: await historyCounts(env, ids) };
  } finally {
    worker.shutdown();
    await running;
  }
}

/** The baseline figures as the results file holds them, with our speed as a fraction of the engine's. */
function baselineFigures(
  baseline: { seconds: number; fanOutSeconds: number; counts: HistoryCounts },
  oursSeconds: number,
) {
  return {
    baseline: {
      seconds: +baseline.seconds.toFixed(0),
      fanOutSeconds: +baseline.fanOutSeconds.toFixed(1),
      work: baseline.counts,
      workflowTasksPerSecond: +(baseline.counts.workflowTasks / baseline.seconds).toFixed(1),
      activitiesPerSecond: +(baseline.counts.activities / baseline.seconds).toFixed(1),
    },
    // Our speed as a fraction of the engine's on the same shape of work (time ratio).
    fractionOfBaseline: +(baseline.seconds / oursSeconds).toFixed(2),
  };
}

/**
 * `--baseline-of FILE`: the engine baseline alone, of the shape of the whole year recorded in FILE (a
 * results file of this bench), on a fresh dev server; its figures are added to FILE. Unlike a baseline run
 * after ours, its server starts empty, which can only flatter the baseline.
 */
async function baselineOf(file: string): Promise<void> {
  const started = Date.now();
  const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
  const ours = JSON.parse(readFileSync(file, 'utf8')) as {
    agencies?: number;
    yearMinutes?: number;
    seconds?: number;
    measuredUntil?: string;
    work?: HistoryCounts;
  };
  const { agencies: n, yearMinutes, seconds, work } = ours;
  if (ours.measuredUntil !== 'cycle completed' || !n || !yearMinutes || !seconds || !work)
    throw new Error(`${file}: not the results of a whole year (no agencies, yearMinutes, seconds or work)`);
  const env = await createLocalEnv();
  try {
    const baseline = await runBaseline(
      env,
      {
        agencies: n,
        batchSize: BATCH_SIZE,
        timers: Math.round(work.timers / n),
        activities: Math.round(work.activities / n),
        spanMs: yearMinutes * 60_000,
      },
      log,
      n + Math.ceil(n / BATCH_SIZE) + 100,
    );
    const figures = {
      ...ours,
      ...baselineFigures(baseline, seconds),
      baselineRun: {
        separately: true,
        date: new Date().toISOString(),
        loadAverage1m: +loadavg()[0]!.toFixed(1),
      },
    };
    console.log(JSON.stringify(figures, null, 2));
    writeFileSync(file, JSON.stringify(figures, null, 2) + '\n');
  } finally {
    await env.teardown();
  }
}

/**
 * BENCH_ACTIVITY_TRACE=<file>: every activity attempt's start, end and failure as the SDK logs them (its DEBUG
 * lines), and every WARN, one JSON object a line, for bench/activity-trace-summary.py: which attempts were
 * retried, and whether the worker ever ran the attempt before (docs/benchmarks.md, lost activity tasks).
 */
function traceActivities(file: string): void {
  const out = createWriteStream(file);
  Runtime.install({
    logger: new DefaultLogger('DEBUG', (entry) => {
      const meta = (entry.meta ?? {}) as Record<string, unknown>;
      if (entry.level === 'TRACE' || (entry.level === 'DEBUG' && !('activityType' in meta))) return;
      const error = meta.error as { message?: string } | undefined;
      out.write(
        JSON.stringify({
          t: Number(entry.timestampNanos / 1_000_000n),
          level: entry.level,
          msg: entry.message,
          ...meta,
          error: error ? String(error.message ?? error).slice(0, 300) : undefined,
        }) + '\n',
      );
    }),
  });
}

async function main(): Promise<void> {
  if (process.env.BENCH_ACTIVITY_TRACE) traceActivities(process.env.BENCH_ACTIVITY_TRACE);
  if (values['baseline-of']) return baselineOf(values['baseline-of']);
  const started = Date.now();
  const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
  const env = await createLocalEnv();
  const smtp = await startMailpit();
  const database = await freshDatabase('sqlite', 'bench');
  const dir = mkdtempSync(join(tmpdir(), 'phoihop-bench-'));
  const mailer = createMailer({ url: smtp.smtpUrl, from: 'Sở VHTTDL <vanthu@sovhttdl.dienbien.example>' });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  try {
    const csv = join(dir, 'directory.csv');
    writeFileSync(csv, directoryCsv(agencies));
    await importDirectoryFile(database.db, csv, '2025-07-01', 'bench');
    log(`directory of ${agencies} agencies imported`);

    const taskQueue = 'bench';
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      maxEmailsPerSecond: rate,
      maxCachedWorkflows: workflowCache,
      deps: {
        db: database.db,
        mailer,
        from: 'Sở VHTTDL <vanthu@sovhttdl.dienbien.example>',
        links: { publicUrl: 'http://127.0.0.1:8080', secret: 'b'.repeat(64) },
        filesRoot: join(dir, 'files'),
      },
    });
    const running = worker.run();

    const plan = computePlan(findProgram(PROGRAM), year);
    const spanMs =
      Date.parse(`${plan.endsOn}T23:59:59+07:00`) - Date.parse(`${plan.startsOn}T07:00:00+07:00`);
    const scale = Math.round(spanMs / (minutes * 60_000));
    const temporal = { ...temporalConfigFromEnv({ TEMPORAL_ADDRESS: env.address }), taskQueue };
    const t0 = Date.now();
    const cycle = await startCycle(env.client, temporal, { program: PROGRAM, year, scale });
    log(`cycle started (${cycle.workflowId}), the year in ${minutes} minutes (×${scale})`);
    const result = env.client.workflow.getHandle<typeof annualCycle>(cycle.workflowId).result();
    let finished = false;
    // Settled either way (a terminated cycle rejects): never an unhandled rejection that skips the teardown.
    void result.then(
      () => (finished = true),
      () => (finished = true),
    );

    // Fan-out: until every agency workflow has started.
    let fanOutMs = 0;
    void (async () => {
      while (!finished) {
        const { count } = await env.client.workflow.count(`PhYear = ${year}`);
        if (count >= agencies) {
          fanOutMs = Date.now() - t0;
          log(`fan-out done: ${count} agency workflows in ${(fanOutMs / 1000).toFixed(1)} s`);
          if (process.env.BENCH_PROFILE) await profile(Number(process.env.BENCH_PROFILE));
          return;
        }
        // Rarely: a count is a scan of the dev server's SQLite visibility table, not free at 10,000 rows.
        await new Promise((r) => setTimeout(r, 10_000));
      }
    })();

    // The agencies: each answers a milestone as soon as its request has been sent; the coordinator accepts.
    let lastId = 0;
    let answered = 0;
    while (until === 'fanout' && fanOutMs === 0) await new Promise((r) => setTimeout(r, 1000));
    let requestsSentMs = 0;
    while (!finished && untilRequestsSent) {
      const sentRequests = await database.db.prisma.notification.count({
        where: { status: 'sent', step: { startsWith: 'annual-plan:r0:request' } },
      });
      if (sentRequests >= agencies) {
        requestsSentMs = Date.now() - t0;
        log(
          `every agency has its request (${sentRequests} emails) after ${(requestsSentMs / 1000).toFixed(0)} s`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    while (!finished && until === 'year' && answer === 'never') await new Promise((r) => setTimeout(r, 500));
    while (!finished && until === 'year') {
      const requests = await database.db.prisma.notification.findMany({
        where: { id: { gt: lastId }, status: 'sent', step: { contains: ':request' } },
        orderBy: { id: 'asc' },
        take: 5000,
      });
      if (requests.length === 0) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      lastId = requests.at(-1)!.id;
      const tasks = [
        ...new Map(requests.map((r) => [`${r.workflowId}|${r.step.split(':')[0]}`, r])).values(),
      ];
      await pool(tasks, 200, async (r) => {
        const handle = env.client.workflow.getHandle(r.workflowId);
        const milestone = r.step.split(':')[0]!;
        try {
          await handle.executeUpdate(submitUpdate, {
            args: [{ milestone, submittedBy: 'bench', summary: `${milestone} ${year}` }],
          });
          await handle.executeUpdate(acceptUpdate, { args: [{ milestone, by: 'coordinator:bench' }] });
          if (++answered % 500 === 0) log(`${answered} milestones answered`);
        } catch (err) {
          log(
            `${r.workflowId} ${milestone}: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`,
          );
        }
      });
    }
    const totalMs = { year: Date.now() - t0, requests: requestsSentMs, fanout: fanOutMs }[until];
    if (until === 'year') {
      const outcome = await result;
      log(`cycle completed in ${(totalMs / 1000).toFixed(0)} s: ${outcome.agencies} agencies`);
    }
    // Logged as soon as known, so that a failure in the longer counting below does not lose them.
    const sent = await database.db.prisma.notification.count({ where: { status: 'sent' } });
    const delivered = await new MailpitApi(smtp.apiUrl).total();
    log(
      `emails: ${sent} sent (log), ${delivered} delivered (SMTP server); worker peak RSS so far ${Math.round(peakRss / 2 ** 20)} MiB`,
    );

    // History sizes of every workflow of the cycle.
    const ids = [cycle.workflowId];
    for (let b = 1; b <= Math.ceil(agencies / BATCH_SIZE); b++) ids.push(`${cycle.workflowId}:batch-${b}`);
    for await (const w of env.client.workflow.list({ query: `PhYear = ${year}` })) ids.push(w.workflowId);
    const sizes: { id: string; events: number; bytes: number }[] = [];
    await pool(ids, 16, async (id) => {
      const d = await env.client.workflow.getHandle(id).describe();
      sizes.push({ id, events: d.historyLength, bytes: d.historySize ?? 0 });
    });
    const fanOutFromHistoriesMs = (await lastChildStartedMs(env, batchIdsOf(ids))) - t0;
    log(`fan-out (from the batches' histories): ${(fanOutFromHistoriesMs / 1000).toFixed(1)} s`);
    const totalEvents = sizes.reduce((n, s) => n + s.events, 0);
    const largest = [...sizes].sort((a, b) => b.events - a.events)[0]!;
    const largestBytes = [...sizes].sort((a, b) => b.bytes - a.bytes)[0]!;
    const cycleSize = sizes.find((s) => s.id === cycle.workflowId)!;
    const batchSizes = sizes.filter((s) => s.id.includes(':batch-'));
    log(
      `histories: largest ${largest.events} events (${largest.id}), largest ${largestBytes.bytes} bytes ` +
        `(${largestBytes.id}), the cycle's ${cycleSize.events} events and ${cycleSize.bytes} bytes`,
    );
    const agencySizes = sizes.filter((s) => s !== cycleSize && !batchSizes.includes(s));
    const counts = until === 'year' ? await historyCounts(env, ids) : undefined;
    worker.shutdown();
    await running;
    let baseline: { seconds: number; fanOutSeconds: number; counts: HistoryCounts } | undefined;
    if (values.baseline && counts) {
      baseline = await runBaseline(
        env,
        {
          agencies,
          batchSize: BATCH_SIZE,
          timers: Math.round(counts.timers / agencies),
          activities: Math.round(counts.activities / agencies),
          spanMs: minutes * 60_000,
        },
        log,
      );
    }

    const figures = {
      date: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version, loadAverage1m: +loadavg()[0]!.toFixed(1) },
      agencies,
      workflows: sizes.length,
      workflowCache,
      yearMinutes: minutes,
      scale,
      emailRateLimit: rate,
      // Until every agency workflow had started: as the batches' histories record it, and as the count of
      // started workflows (polled every 10 s, behind the visibility queue) first showed it.
      fanOutSeconds: +(fanOutFromHistoriesMs / 1000).toFixed(1),
      fanOutSecondsByVisibility: +(fanOutMs / 1000).toFixed(1),
      measuredUntil: {
        year: 'cycle completed',
        requests: 'every first request sent',
        fanout: 'every agency workflow started',
      }[until],
      seconds: +(totalMs / 1000).toFixed(0),
      largestHistory: { workflowId: largest.id, events: largest.events },
      largestHistoryBytes: { workflowId: largestBytes.id, bytes: largestBytes.bytes },
      cycleHistoryEvents: cycleSize.events,
      maxBatchHistoryEvents: Math.max(...batchSizes.map((s) => s.events)),
      maxAgencyHistoryEvents: Math.max(...agencySizes.map((s) => s.events)),
      eventsPerSecond: Math.round(totalEvents / (totalMs / 1000)),
      emailsSent: sent,
      emailsDelivered: delivered,
      emailsPerSecond: +(delivered / (totalMs / 1000)).toFixed(1),
      peakWorkerRssMiB: Math.round(peakRss / 2 ** 20),
      milestonesAnswered: answered,
      ...(counts
        ? {
            work: counts,
            workflowTasksPerSecond: +(counts.workflowTasks / (totalMs / 1000)).toFixed(1),
            activitiesPerSecond: +(counts.activities / (totalMs / 1000)).toFixed(1),
          }
        : {}),
      ...(baseline ? baselineFigures(baseline, totalMs / 1000) : {}),
    };
    console.log(JSON.stringify(figures, null, 2));
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    const name = `cycle-scale-${agencies}${until === 'year' ? `-${answer}` : `-${until}`}.json`;
    writeFileSync(join(out, name), JSON.stringify(figures, null, 2) + '\n');
    if (until !== 'year') {
      await env.client.workflow.getHandle(cycle.workflowId).terminate('bench: measured');
    }
    if (largest.events >= 10_000)
      throw new Error(`a history reached ${largest.events} events (limit 10,000)`);
    if (!counts) {
      worker.shutdown();
      await running;
    }
  } finally {
    clearInterval(sampler);
    mailer.close();
    await smtp.stop();
    await database.drop();
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
