/**
 * Fault injection on a real cycle: a Plan 99 cycle for N synthetic agencies, in compressed time, on a
 * private Temporal dev server, Mailpit and a fresh SQLite database, with the project's worker in a child
 * process. While the agencies answer (bench/chaos/agencies.ts), the harness
 *
 *   1. kills the worker with SIGKILL at seeded random moments and starts it again, and
 *   2. stops the SMTP server (Mailpit) while the 6-month report's requests go out, and brings it back on
 *      the same port,
 *
 * then counts, at the SMTP server and in the database, what arrived and what was stored. Used by
 * bench/chaos.ts (scripts/chaos) and test/chaos/chaos.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { createLocalEnv } from '../../test/support/temporal';
import { freshDatabase, type TestDatabase } from '../../test/support/databases';
import { importDirectoryFile } from '../../src/directory/import-file';
import { startCycle } from '../../src/cycle/start';
import { computePlan } from '../../src/cycle/compute-plan';
import { findProgram } from '../../src/programs/find';
import { temporalConfigFromEnv } from '../../src/config/temporal';
import { calendarNow, fanOutLeadMs, localInstant, type ClockSpec } from '../../src/cycle/clock';
import { deterministicMessageId } from '../../src/activities/notification-log';
import { reportEmailKey } from '../../src/reports/consolidated/send';
import { milestonesOwed } from '../../src/workflows/annual-cycle';
import { SEND_HOUR, dueDayEnd, ladderEvents, reachedSteps } from '../../src/workflows/ladder/schedule';
import { workingDaysLate } from '../../src/workflows/agency-obligations/lateness';
import { buildCalendarData } from '../../src/calendar/load';
import { WorkingCalendar } from '../../src/calendar/working-calendar';
import { yearsTouchedBy, type PlannedMilestone } from '../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../src/cycle/compute-plan';
import type { CycleSummary } from '../../src/workflows/cycle-types';
import { agencyWorkflowId, type AgencyRef } from '../../src/workflows/obligation-types';
import { cycleWorkflowId, type CycleResult } from '../../src/workflows/cycle-types';
import { seededRandom } from './prng';
import { RestartableMailpit } from './mailpit';
import { WorkerProcess } from './worker-process';
import { SyntheticAgencies, directoryCsv, focalPoint, type LateAnswers } from './agencies';
import type { annualCycle } from '../../src/workflows/annual-cycle';

export const PROGRAM = 'dien-bien-kh99';
const FROM = 'Sở VHTTDL <vanthu@sovhttdl.dienbien.example>';
const TASK_QUEUE = 'chaos';
/** How long after a kill an interrupted activity resumes, at most: its 2-minute timeout, backoff, restart. */
const STALL_MARGIN_MS = 150_000;
/** No kill this close before the SMTP outage: the restarted worker must be sending when the server stops. */
const KILL_CLEARANCE_MS = 20_000;

export interface ChaosOptions {
  agencies: number;
  /** Worker SIGKILLs during the cycle. */
  kills: number;
  /** Seed of the fault moments (print it: the same seed gives the same moments). */
  seed: number;
  /** The cycle's year plays out in this many real minutes. */
  yearMinutes: number;
  /** How long the SMTP server is down (0: no outage). */
  smtpOutageSeconds: number;
  /** The worker's email limit (SMTP_MAX_PER_SECOND). */
  emailsPerSecond: number;
  year?: number;
  /** The kills fall at seeded moments between these fractions of the year (default 0.05 to 0.85). */
  killFrom: number;
  killTo: number;
  /** The first kill at the first request moment, when every agency is asked (with killWaitForSendMs: mid-send). */
  firstKillAtStart?: boolean;
  /** After a kill's seeded moment, wait up to this long for an email being sent before killing (0: never). */
  killWaitForSendMs: number;
  /** The run fails if the cycle has not completed this long after its year's end (default 15 minutes). */
  graceSeconds?: number;
  /**
   * Share of the agencies (seeded, the lead never) that answer every milestone late on purpose, after its
   * due day: in turn after the first escalation step, after the second, after the last (default 0).
   */
  lateShare?: number;
  /**
   * The last kill (of two or more) at the first escalation step of the earliest-due milestone, while the
   * late agencies wait past their due day: they send while the worker is down (default false).
   */
  lastKillAmongLateAnswers?: boolean;
  /** The agencies send their own time as `receivedAt` (default true; false: the worker's handling time). */
  sendReceivedAt?: boolean;
  log?: (line: string) => void;
}

export interface WorkerKill {
  /** Seconds after the cycle's start. */
  atSeconds: number;
  /** The calendar date the cycle had reached. */
  calendarDate: string;
  /** Emails claimed for sending (notification rows pending with a live claim) when the worker died. */
  sendsInFlight: number;
  /** How long the worker was down before its restart began, and how long it took to poll again. */
  downSeconds: number;
  restartSeconds: number;
}

export interface PendingEmailActivity {
  workflowId: string;
  activity: string;
  attempt: number;
  state: string;
  lastFailure: string;
  nextAttemptInSeconds: number | null;
  /** The workflow's PhStage search attribute while its email waits. */
  phStage: string | null;
}

export interface SmtpOutage {
  atSeconds: number;
  calendarFrom: string;
  calendarTo: string;
  seconds: number;
  /** Emails whose sending failed while the server was down (notification rows with an error). */
  emailsDelayed: number;
  /** Largest attempt count of one email in the notification log. */
  maxAttempts: number;
  /** What describe() showed of the agency workflows' pending email activities during the outage. */
  pendingActivitiesSeen: PendingEmailActivity[];
  /** From the server's return until every delayed email was sent. */
  recoverySeconds: number | null;
}

export interface ChaosFigures {
  date: string;
  seed: number;
  agencies: number;
  year: number;
  yearMinutes: number;
  scale: number;
  emailsPerSecond: number;
  machine: { cores: number; node: string };
  cycle: {
    workflowId: string;
    completed: boolean;
    seconds: number;
    summary?: unknown;
  };
  faults: {
    injected: number;
    workerKills: WorkerKill[];
    /**
     * Emails being sent (claimed in the notification log) when a kill struck: how many arrived exactly
     * once, and the longest time from the kill to the row marked sent by a later attempt.
     */
    sendsCutOff: { emails: number; deliveredOnce: number; maxDelaySeconds: number | null };
    smtpOutage: SmtpOutage | null;
  };
  emails: {
    /** The notification log's emails plus the ones the run requires (requests, receipts, acceptances, report). */
    expected: number;
    /** Of those, the ones the run requires whatever the timing. */
    required: number;
    /** Required emails the notification log does not even have. */
    requiredNotLogged: number;
    /** Log rows not marked sent at the end. */
    notMarkedSent: number;
    delivered: number;
    missing: number;
    /** Extra copies at the SMTP server with the same Message-ID. */
    duplicated: number;
    /** Copies sent again after a worker was killed between the SMTP server's acceptance and the log update. */
    duplicatedAfterKillInSendWindow: number;
    /** Any other copy: always a failure. */
    duplicatedUnexplained: number;
    /** Extra copies at the SMTP server with the same recipient and subject. */
    duplicatedByRecipientSubject: number;
    /** Messages at the SMTP server that match no expected email. */
    unexpected: number;
    messagesAtServer: number;
    examples: string[];
  };
  submissions: {
    /** Receipts the agencies were given. */
    expected: number;
    stored: number;
    lost: number;
    /** Stored with other content than was sent. */
    altered: number;
    /** Rows no agency has a receipt for. */
    unexpected: number;
    accepted: number;
    refusedOrFailed: number;
    updatesRetried: number;
    examples: string[];
  };
  /** The agencies that answered late on purpose (LateAnswers). */
  lateAnswers: {
    agencies: number;
    /** Submissions sent late on purpose, by the last escalation step before their planned moment. */
    sent: number;
    byTier: Record<string, number>;
    /** Of those, sent while the worker was killed (a kill's downtime made them send at once). */
    sentWhileWorkerDown: number;
    /** Every submission (late or not) sent while the worker was killed. */
    allSentWhileWorkerDown: number;
  };
  /**
   * Every stored submission's time and lateness against the agency's own send time mapped through the
   * cycle's clock: Submission.submittedAt, Obligation.lateByWorkingDays and the summary's outcome.
   */
  lateness: { checked: number; late: number; mismatched: number; examples: string[] };
  /**
   * Every submitted obligation's naming in the report: flagged when a step that flags for the report is
   * reached by the agency's send time (ladderEvents, reachedSteps), in Obligation.flagged and the summary.
   */
  naming: { checked: number; flagged: number; mismatched: number; examples: string[] };
  /** Every check that failed; empty when nothing was lost or duplicated. */
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const normalizeId = (id: string) => id.trim().replace(/^<|>$/g, '');

export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const year = options.year ?? 2031;
  const began = Date.now();
  const log =
    options.log ??
    ((line: string) => console.log(`[chaos ${((Date.now() - began) / 1000).toFixed(0)}s] ${line}`));
  const rng = seededRandom(options.seed);
  const cleanups: (() => Promise<void>)[] = [];
  let worker: WorkerProcess | undefined;
  try {
    const env: TestWorkflowEnvironment = await createLocalEnv();
    cleanups.push(() => env.teardown());
    const mail = await RestartableMailpit.start();
    cleanups.push(() => mail.destroy());
    const database: TestDatabase = await freshDatabase('sqlite', 'chaos');
    cleanups.push(() => database.drop());
    const dir = mkdtempSync(join(tmpdir(), 'phoihop-chaos-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const db = database.db;

    const csv = join(dir, 'directory.csv');
    writeFileSync(csv, directoryCsv(options.agencies));
    await importDirectoryFile(db, csv, '2025-07-01', 'chaos');
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      logger: new DefaultLogger('ERROR'),
    });
    const bundlePath = join(dir, 'workflows.js');
    writeFileSync(bundlePath, bundle.code);
    log(`directory of ${options.agencies} agencies imported; workflows bundled`);

    worker = new WorkerProcess({
      temporalAddress: env.address,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      databaseUrl: database.url,
      smtpUrl: mail.smtpUrl,
      from: FROM,
      filesRoot: join(dir, 'files'),
      workflowBundlePath: bundlePath,
      linkSecret: 'c'.repeat(64),
      publicUrl: 'http://127.0.0.1:9',
      emailsPerSecond: options.emailsPerSecond,
    });
    const workerProcess = worker;
    cleanups.push(() => workerProcess.stop());
    await worker.start();
    log(`worker running in pid ${worker.pid} (started in ${worker.starts[0]} ms)`);

    // --- the cycle and its clock -------------------------------------------------------------------
    const program = findProgram(PROGRAM);
    const plan = computePlan(program, year);
    const yearOriginMs = localInstant(plan.startsOn, 7);
    const spanMs = Date.parse(`${plan.endsOn}T23:59:59+07:00`) - yearOriginMs;
    const yearMs = options.yearMinutes * 60_000;
    const scale = Math.round(spanMs / yearMs);
    // The cycle's one clock starts its calendar a fan-out allowance before the year (cycleClock); every
    // agency of the synthetic directory is addressed by the program.
    const originMs = yearOriginMs - fanOutLeadMs(options.agencies, scale);
    const temporalConfig = {
      ...temporalConfigFromEnv({ TEMPORAL_ADDRESS: env.address }),
      taskQueue: TASK_QUEUE,
    };
    // The cycle's working calendar (prepareCycle builds the same one) and each milestone's ladder.
    const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(year), HOLIDAYS_DIR));
    const ladderOf = (m: PlannedMilestone) =>
      ladderEvents(
        calendar,
        m.due,
        m.reminders.map((r) => r.workingDaysBefore),
        m.escalation,
        SEND_HOUR,
      );
    const milestoneOf = new Map(plan.milestones.map((m) => [m.key, m]));
    // Late agencies: a seeded share, each in turn after the first, the second, the last step (tier).
    const lateTier = new Map<string, number>();
    for (let i = 1; i < options.agencies; i++) {
      if (rng() < (options.lateShare ?? 0)) {
        lateTier.set(`BENCH-${String(i).padStart(5, '0')}`, lateTier.size);
      }
    }
    const closesAt = localInstant(plan.endsOn, 0) - 3 * 86_400_000;
    const lateAnswer: LateAnswers = (workflowId, milestone) => {
      const tier = lateTier.get(workflowId.split(':').at(-1)!);
      const m = milestoneOf.get(milestone);
      if (tier === undefined || !m) return undefined;
      const steps = ladderOf(m)
        .filter((e) => e.kind === 'escalation')
        .map((e) => e.at);
      if (steps.length === 0) return undefined;
      const k = tier % steps.length;
      // Midway between step k and the next; after the last, five working days after it.
      const last = localInstant(
        calendar.addWorkingDays(m.due, m.escalation.at(-1)!.afterWorkingDays + 5),
        12,
      );
      const sendAt = k + 1 < steps.length ? (steps[k]! + steps[k + 1]!) / 2 : last;
      return sendAt < closesAt ? { sendAt, dueDayEnd: dueDayEnd(m.due) } : undefined;
    };
    const tierName = (at: number, m: PlannedMilestone) =>
      reachedSteps(ladderOf(m), at).at(-1)?.step.step ?? 'none';
    const t0 = Date.now();
    const cycle = await startCycle(env.client, temporalConfig, { program: PROGRAM, year, scale });
    const seconds = (at = Date.now()) => +((at - t0) / 1000).toFixed(1);
    const calendarDate = (at = Date.now()) =>
      new Date(originMs + (at - t0) * scale + 7 * 3600_000).toISOString().slice(0, 10);
    const realAt = (calendarMs: number) => t0 + (calendarMs - originMs) / scale;
    log(
      `cycle ${cycle.workflowId} started: ${plan.startsOn} to ${plan.endsOn} in ${options.yearMinutes} min (×${scale})`,
    );
    const handle = env.client.workflow.getHandle<typeof annualCycle>(cycle.workflowId);
    let outcome: CycleResult | undefined;
    let cycleError: Error | undefined;
    let finished = false;
    const result = handle.result().then(
      (r) => {
        outcome = r;
        finished = true;
      },
      (err: Error) => {
        cycleError = err;
        finished = true;
      },
    );

    // Loops running beside the cycle: an error in one is reported (and fails the run), never left unhandled.
    const backgroundErrors: string[] = [];
    const background = (name: string, fn: () => Promise<void>) =>
      fn().catch((err: unknown) => {
        backgroundErrors.push(`${name}: ${(err as Error).message}`);
        log(`${name} stopped: ${(err as Error).message}`);
      });

    // --- the agencies ------------------------------------------------------------------------------
    const agencies = new SyntheticAgencies(env.client, db, year, (line) => log(line), {
      late: lateAnswer,
      sendReceivedAt: options.sendReceivedAt ?? true,
    });
    cleanups.push(async () => {
      finished = true;
      await agencies.stop();
    });
    const answering = background('agencies', async () => {
      while (!finished) {
        await agencies.answerNewRequests().catch((err: Error) => log(`agencies: ${err.message}`));
        await sleep(500);
      }
    });

    // --- the fault schedule --------------------------------------------------------------------------
    const sixMonth = plan.milestones.find((m) => m.key === 'report-6m')!;
    const outageMs = options.smtpOutageSeconds * 1000;
    const outageStart = realAt(localInstant(sixMonth.requestOn, 8)) - 1000;
    const outageEnd = outageStart + outageMs;
    // A send cut off by a kill is retried once its activity's start-to-close timeout (2 minutes) has passed:
    // in compressed time that is `scale` times longer on the calendar, and the workflow must still be inside
    // the years its working calendar covers (the cycle's year ± 1) when it resumes (docs/benchmarks.md, "Chaos").
    const calendarEnd = realAt(localInstant(`${year + 2}-01-01`, 0));
    const yearStart = realAt(yearOriginMs);
    const killFrom = yearStart + options.killFrom * yearMs;
    const killTo = Math.min(yearStart + options.killTo * yearMs, calendarEnd - STALL_MARGIN_MS);
    if (options.kills > 0 && killTo <= killFrom) {
      throw new Error(
        `the year is too compressed for worker kills: a send cut off by a kill resumes ${STALL_MARGIN_MS / 1000}s ` +
          `later, ${((STALL_MARGIN_MS * scale) / 86_400_000).toFixed(0)} calendar days, past the working calendar; ` +
          'give the year more minutes',
      );
    }
    const killMoments: number[] = [];
    for (let tries = 0; killMoments.length < options.kills; tries++) {
      if (tries > 10_000) throw new Error('no room for the worker kills outside the SMTP outage');
      const at = killFrom + rng() * (killTo - killFrom);
      // Far enough from the outage that the worker is back (a restart takes seconds) before it begins.
      if (outageMs > 0 && at > outageStart - KILL_CLEARANCE_MS && at < outageEnd + 5000) continue;
      killMoments.push(at);
    }
    killMoments.sort((a, b) => a - b);
    // The first request round (every agency asked at once, then answering) is the busiest moment of the
    // year: the first kill waits there for an email being sent.
    if (options.firstKillAtStart && killMoments.length > 0) {
      const firstRequestOn = plan.milestones.map((m) => m.requestOn).sort()[0]!;
      killMoments[0] = realAt(localInstant(firstRequestOn, SEND_HOUR));
    }
    if (options.lastKillAmongLateAnswers && lateTier.size > 0 && killMoments.length >= 2) {
      // The first milestone whose first step comes after the SMTP outage (and its clearance): the earlier
      // ones' requests are held back by the first kill's stalled sends, their late answers sent at once.
      const after = outageMs > 0 ? outageEnd + 5000 : killFrom;
      const step = [...plan.milestones]
        .sort((a, b) => (a.due < b.due ? -1 : 1))
        .map((m) => ladderOf(m).find((e) => e.kind === 'escalation'))
        .find((e) => e !== undefined && realAt(e.at) >= after - 10_000);
      if (step) killMoments[killMoments.length - 1] = Math.max(realAt(step.at), after);
    }
    const downtimes = killMoments.map(() => Math.round(rng() * 2000));
    log(
      `fault plan (seed ${options.seed}): worker SIGKILL at ${killMoments.map((k) => `${seconds(k)}s`).join(', ') || 'never'}` +
        (outageMs > 0 ? `; SMTP down from ${seconds(outageStart)}s for ${options.smtpOutageSeconds}s` : ''),
    );

    const kills: WorkerKill[] = [];
    const lead = program.definition.lead;
    let workerStartedAt = t0;
    const interrupted: { key: string; killedAt: number }[] = [];
    const killing = background('worker kills', async () => {
      for (const [i, at] of killMoments.entries()) {
        await sleep(at - Date.now());
        // The moment is the seed's; the kill waits (a few seconds at most) for an email being sent, the
        // case that tests the notification log: a send cut off by the crash.
        const amongLate = options.lastKillAmongLateAnswers && i === killMoments.length - 1 && i > 0;
        if (amongLate) {
          // Until a late agency waits past its due day (the planned moment is the harness's estimate).
          let until = Date.now() + 20_000;
          if (outageMs > 0 && Date.now() < outageStart)
            until = Math.min(until, outageStart - KILL_CLEARANCE_MS);
          for (; Date.now() < until && !finished; await sleep(50)) {
            const clock = agencies.knownClock;
            if (clock && agencies.lateWaitingAt(calendarNow(clock, Date.now())).overdue > 0) {
              agencies.holdLateAnswers(true);
              break;
            }
          }
        }
        let inFlight: { idempotencyKey: string }[] = [];
        let until = amongLate ? Date.now() : Math.min(Date.now() + options.killWaitForSendMs, killTo);
        if (outageMs > 0 && Date.now() < outageStart)
          until = Math.min(until, outageStart - KILL_CLEARANCE_MS);
        for (;;) {
          // Claimed by the running worker (a claim left by a worker killed earlier waits for its lease).
          inFlight = await db.prisma.notification.findMany({
            where: { status: 'pending', claimedAt: { gte: new Date(workerStartedAt) } },
            select: { idempotencyKey: true },
          });
          if (inFlight.length > 0 || Date.now() >= until || finished) break;
          await sleep(10);
        }
        if (finished) return;
        const killedAt = Date.now();
        await workerProcess.kill();
        agencies.workerDown = true;
        for (const r of inFlight) interrupted.push({ key: r.idempotencyKey, killedAt });
        // Late agencies past their due day send now, while no worker runs: their receipt is their time.
        const clock = agencies.knownClock;
        const waiting = clock ? agencies.lateWaitingAt(calendarNow(clock, Date.now())).waiting : 0;
        const sentNow = clock ? agencies.answerOverdueNow(calendarNow(clock, Date.now())) : 0;
        agencies.holdLateAnswers(false);
        log(
          `${sentNow} late answers of ${waiting} waiting sent while the worker is down` +
            (clock ? '' : " (the cycle's clock not read yet)"),
        );
        log(
          `worker SIGKILLed at ${seconds(killedAt)}s (calendar ${calendarDate(killedAt)}; ` +
            `${inFlight.length} emails being sent)`,
        );
        await sleep(downtimes[i]!);
        const restartBegan = Date.now();
        workerStartedAt = restartBegan;
        agencies.workerDown = false;
        await workerProcess.start();
        kills.push({
          atSeconds: seconds(killedAt),
          calendarDate: calendarDate(killedAt),
          sendsInFlight: inFlight.length,
          downSeconds: +((restartBegan - killedAt) / 1000).toFixed(1),
          restartSeconds: +((Date.now() - restartBegan) / 1000).toFixed(1),
        });
        log(`worker restarted (pid ${workerProcess.pid}) in ${kills.at(-1)!.restartSeconds}s`);
      }
    });

    let outage: SmtpOutage | null = null;
    const outageRun = background('SMTP outage', async () => {
      if (outageMs <= 0) return;
      // From a moment before the planned requests, until the first 6-month request is being sent (the
      // workflows' timers run late on a loaded machine): the server goes down in the middle of the round.
      await sleep(outageStart - 2000 - Date.now());
      for (const until = Date.now() + 30_000; Date.now() < until && !finished;) {
        const started = await db.prisma.notification.count({
          where: { milestoneKey: sixMonth.key, step: { endsWith: ':request' } },
        });
        if (started > 0) break;
        await sleep(10);
      }
      if (finished) return;
      await mail.down();
      const downAt = Date.now();
      log(`SMTP server stopped at ${seconds(downAt)}s (calendar ${calendarDate(downAt)})`);
      const seen = new Map<string, PendingEmailActivity>();
      const upAt = Date.now() + outageMs;
      while (Date.now() < upAt) {
        await sleep(Math.min(1000, upAt - Date.now()));
        const waiting = await db.prisma.notification.findMany({
          where: { status: 'pending', error: { not: null }, workflowId: { not: cycle.workflowId } },
          select: { workflowId: true },
          distinct: ['workflowId'],
          take: 5,
        });
        for (const { workflowId } of waiting) {
          const d = await env.client.workflow.getHandle(workflowId).describe();
          const stage = d.typedSearchAttributes.getAll().find((p) => p.key.name === 'PhStage')?.value;
          for (const a of d.raw.pendingActivities ?? []) {
            if (a.activityType?.name !== 'notifyObligation' || (a.attempt ?? 0) < 2) continue;
            const next = a.nextAttemptScheduleTime?.seconds;
            seen.set(`${workflowId}|${a.activityId}`, {
              workflowId,
              activity: `${a.activityType.name} #${a.activityId}`,
              attempt: a.attempt ?? 0,
              state: temporal.api.enums.v1.PendingActivityState[a.state ?? 0] ?? String(a.state),
              lastFailure: a.lastFailure?.message ?? '',
              nextAttemptInSeconds: next ? Math.round(Number(next) - Date.now() / 1000) : null,
              phStage: typeof stage === 'string' ? stage : null,
            });
          }
        }
      }
      await mail.up();
      const backAt = Date.now();
      const delayed = await db.prisma.notification.count({ where: { error: { not: null } } });
      log(
        `SMTP server back at ${seconds(backAt)}s after ${((backAt - downAt) / 1000).toFixed(1)}s: ${delayed} emails ` +
          `failed at least once, ${seen.size} pending email activities seen retrying`,
      );
      outage = {
        atSeconds: seconds(downAt),
        calendarFrom: calendarDate(downAt),
        calendarTo: calendarDate(backAt),
        seconds: +((backAt - downAt) / 1000).toFixed(1),
        emailsDelayed: delayed,
        maxAttempts: 0,
        pendingActivitiesSeen: [...seen.values()].sort((a, b) => b.attempt - a.attempt).slice(0, 10),
        recoverySeconds: null,
      };
      const current = outage;
      while (!finished) {
        const left = await db.prisma.notification.count({
          where: { status: 'pending', error: { not: null } },
        });
        if (left === 0) {
          current.recoverySeconds = +((Date.now() - backAt) / 1000).toFixed(1);
          log(
            `every email delayed by the outage was sent ${current.recoverySeconds}s after the server came back`,
          );
          return;
        }
        await sleep(500);
      }
    });

    // --- until the cycle ends ----------------------------------------------------------------------
    const deadline = t0 + yearMs + (options.graceSeconds ?? 900) * 1000;
    while (!finished && Date.now() < deadline) await sleep(500);
    if (!finished) {
      finished = true; // stops the agencies, the kills and the outage
      await Promise.allSettled([answering, killing, outageRun, agencies.stop()]);
      throw new Error(
        `the cycle had not completed ${(Date.now() - t0) / 1000}s after its start:\n` +
          (await unfinished(env, cycle.workflowId)).join('\n'),
      );
    }
    await Promise.all([result, answering, killing, outageRun]);
    await agencies.settled();
    const cycleSeconds = seconds();
    if (cycleError) log(`the cycle failed: ${(cycleError as Error).message}`);
    else log(`cycle completed after ${cycleSeconds}s`);
    await sleep(1000); // a message the server accepted a moment ago is listed

    // --- the count ---------------------------------------------------------------------------------
    const rows = await db.prisma.notification.findMany();
    const logged = new Map(rows.map((r) => [r.idempotencyKey, r]));
    const required = new Set<string>();
    for (let i = 0; i < options.agencies; i++) {
      const code = i === 0 ? lead : `BENCH-${String(i).padStart(5, '0')}`;
      const agency: AgencyRef = {
        code,
        name: code,
        group: i === 0 || i % 5 === 0 ? 'department' : 'commune_committee',
      };
      const wf = agencyWorkflowId(PROGRAM, year, code);
      for (const m of milestonesOwed(plan.milestones, agency, lead)) {
        required.add(`${wf}:${m.key}:r0:request:${focalPoint(i)}`);
      }
    }
    const focalOf = (workflowId: string) => {
      const code = workflowId.split(':').at(-1)!;
      return focalPoint(code === lead ? 0 : Number(code.slice('BENCH-'.length)));
    };
    for (const s of agencies.sent.values()) {
      required.add(`${s.workflowId}:${s.milestone}:r0:received-1:${focalOf(s.workflowId)}`);
      if (s.accepted) required.add(`${s.workflowId}:${s.milestone}:r0:accepted:${focalOf(s.workflowId)}`);
    }
    if (outcome) {
      for (const person of program.definition.leadership) {
        required.add(reportEmailKey(cycleWorkflowId(PROGRAM, year), person.email));
      }
    }
    const expected = new Map<string, string>(); // Message-ID → idempotency key
    for (const key of new Set([...required, ...logged.keys()])) {
      expected.set(normalizeId(deterministicMessageId(key, FROM)), key);
    }
    const messages = await mail.all();
    const copies = new Map<string, number>();
    const byRecipientSubject = new Map<string, number>();
    for (const m of messages) {
      const id = normalizeId(m.MessageID);
      copies.set(id, (copies.get(id) ?? 0) + 1);
      const rs = `${m.To.map((t) => t.Address.toLowerCase())
        .sort()
        .join(',')}|${m.Subject}`;
      byRecipientSubject.set(rs, (byRecipientSubject.get(rs) ?? 0) + 1);
    }
    const missing = [...expected].filter(([id]) => !copies.has(id)).map(([, key]) => key);
    const duplicatedIds = [...copies].filter(([, n]) => n > 1);
    // A second copy is explained only when its send was in flight when a worker was killed and the log row
    // says the retry took over the claim that attempt left (killed between the SMTP server's acceptance and
    // the log's update: notification-log.ts); any other copy, or a third, is a failure of the log.
    const explained = ([id, n]: [string, number]) => {
      const key = expected.get(id);
      const row = key ? logged.get(key) : undefined;
      const cutOff = key !== undefined && interrupted.some((i) => i.key === key);
      return n === 2 && cutOff && (row?.error ?? '').startsWith(RESENT_NOTE);
    };
    const unexpected = [...copies.keys()].filter((id) => !expected.has(id));
    const requiredNotLogged = [...required].filter((k) => !logged.has(k));
    const notSent = rows.filter((r) => r.status !== 'sent');
    const examples = [
      ...missing.slice(0, 5).map((k) => `missing: ${k}`),
      ...duplicatedIds
        .filter((d) => !explained(d))
        .slice(0, 5)
        .map(([id, n]) => {
          const key = expected.get(id);
          const row = key ? logged.get(key) : undefined;
          const arrived = messages
            .filter((m) => normalizeId(m.MessageID) === id)
            .map((m) => m.Created)
            .sort();
          const cutOff = interrupted.find((i) => i.key === key);
          return (
            `${n} copies: ${id} (${key ?? 'unknown'}), arrived at ${arrived.join(' and ')}; log row: ` +
            `${row?.attempts ?? '?'} attempts, sent at ${row?.sentAt?.toISOString() ?? '-'}` +
            (cutOff ? `; its send was cut off by the kill at ${new Date(cutOff.killedAt).toISOString()}` : '')
          );
        }),
      ...unexpected.slice(0, 5).map((id) => `unexpected: ${id}`),
      ...requiredNotLogged.slice(0, 5).map((k) => `not in the log: ${k}`),
      ...notSent.slice(0, 5).map((r) => `log row ${r.status}: ${r.idempotencyKey} (${r.error ?? ''})`),
    ];

    const stored = await db.prisma.submission.findMany();
    const storedByReceipt = new Map(stored.map((s) => [s.receiptNumber, s]));
    const lost: string[] = [];
    const altered: string[] = [];
    for (const s of agencies.sent.values()) {
      const row = storedByReceipt.get(s.receiptNumber);
      if (!row) lost.push(s.receiptNumber);
      else if (
        row.summary !== s.summary ||
        row.submittedBy !== s.submittedBy ||
        JSON.stringify(row.figures ?? null) !== JSON.stringify(s.figures ?? null)
      ) {
        altered.push(s.receiptNumber);
      }
    }
    const unexpectedRows = stored
      .filter((r) => !agencies.sent.has(r.receiptNumber))
      .map((r) => r.receiptNumber);

    // --- lateness and naming against the agencies' own send times ----------------------------------
    const clock: ClockSpec | undefined = await agencies
      .cycleClock(agencyWorkflowId(PROGRAM, year, lead))
      .catch(() => undefined);
    const obligations = await db.prisma.obligation.findMany({ include: { agency: true } });
    const obligationById = new Map(obligations.map((o) => [o.id, o]));
    const cycleRow = await db.prisma.cycle.findFirst({ select: { summary: true } });
    const summary = cycleRow?.summary as CycleSummary | null | undefined;
    const lateness = { checked: 0, late: 0, mismatched: 0, examples: [] as string[] };
    const naming = { checked: 0, flagged: 0, mismatched: 0, examples: [] as string[] };
    const byTier: Record<string, number> = {};
    for (const s of agencies.sent.values()) {
      const row = storedByReceipt.get(s.receiptNumber);
      const o = row ? obligationById.get(row.obligationId) : undefined;
      const m = milestoneOf.get(s.milestone);
      if (!row || !o || !m || !clock) continue;
      const code = o.agency.code;
      const at = calendarNow(clock, s.sentAt);
      if (s.late) byTier[tierName(at, m)] = (byTier[tierName(at, m)] ?? 0) + 1;
      // Lateness: the workflow's rule on the agency's time, in the Submission, the Obligation, the summary.
      const late = workingDaysLate(calendar, m.due, at);
      const outcome = summary?.agencies[code]?.[s.milestone];
      const expectedOutcome = late > 0 ? `late:${late}` : 'on-time';
      lateness.checked++;
      if (late > 0) lateness.late++;
      const seen = {
        submittedAt: row.submittedAt.getTime(),
        obligationSubmittedAt: o.submittedAt?.getTime(),
        lateByWorkingDays: o.lateByWorkingDays ?? 0,
        outcome,
      };
      if (
        seen.submittedAt !== at ||
        seen.obligationSubmittedAt !== at ||
        seen.lateByWorkingDays !== late ||
        outcome !== expectedOutcome
      ) {
        lateness.mismatched++;
        if (lateness.examples.length < 5)
          lateness.examples.push(
            `${code} ${s.milestone}: sent ${new Date(at).toISOString()} (calendar), due ${m.due}, ` +
              `${late} working days late; stored ${new Date(seen.submittedAt).toISOString()}, ` +
              `lateByWorkingDays ${seen.lateByWorkingDays}, summary ${outcome ?? '-'}` +
              (s.sentWhileWorkerDown ? ' (sent while the worker was down)' : ''),
          );
      }
      // Naming: flagged when a step that flags is reached by the send time, in the Obligation and summary.
      const reached = reachedSteps(ladderOf(m), at, localInstant(m.requestOn, SEND_HOUR));
      const flagged = reached.some((e) => e.step.flagForReport);
      const named = summary?.milestones.find((x) => x.milestone === s.milestone)?.flagged.includes(code);
      naming.checked++;
      if (flagged) naming.flagged++;
      if (o.flagged !== flagged || named !== flagged) {
        naming.mismatched++;
        if (naming.examples.length < 5)
          naming.examples.push(
            `${code} ${s.milestone}: sent ${new Date(at).toISOString()} (calendar), steps reached ` +
              `[${reached.map((e) => e.step.step).join(', ')}], flagged ${flagged}; stored flagged ` +
              `${o.flagged}, named in the summary ${named ?? '-'}` +
              (s.sentWhileWorkerDown ? ' (sent while the worker was down)' : ''),
          );
      }
    }
    const lateSent = [...agencies.sent.values()].filter((s) => s.late);

    const cutOffDelays = interrupted.map(({ key, killedAt }) => {
      const sentAt = logged.get(key)?.sentAt?.getTime();
      return sentAt === undefined ? null : (sentAt - killedAt) / 1000;
    });
    const sendsCutOff = {
      emails: interrupted.length,
      deliveredOnce: interrupted.filter(
        ({ key }) => copies.get(normalizeId(deterministicMessageId(key, FROM))) === 1,
      ).length,
      maxDelaySeconds: cutOffDelays.some((d) => d !== null)
        ? +Math.max(...cutOffDelays.filter((d): d is number => d !== null)).toFixed(1)
        : null,
    };
    const maxAttempts = rows.reduce((n, r) => Math.max(n, r.attempts), 0);
    const smtpOutage = outage as SmtpOutage | null;
    if (smtpOutage) smtpOutage.maxAttempts = maxAttempts;
    const figures: ChaosFigures = {
      date: new Date().toISOString(),
      seed: options.seed,
      agencies: options.agencies,
      year,
      yearMinutes: options.yearMinutes,
      scale,
      emailsPerSecond: options.emailsPerSecond,
      machine: { cores: cpus().length, node: process.version },
      cycle: {
        workflowId: cycle.workflowId,
        completed: outcome !== undefined,
        seconds: cycleSeconds,
        summary: outcome?.summary,
      },
      faults: {
        injected: kills.length + (smtpOutage ? 1 : 0),
        workerKills: kills,
        sendsCutOff,
        smtpOutage,
      },
      emails: {
        expected: expected.size,
        required: required.size,
        requiredNotLogged: requiredNotLogged.length,
        notMarkedSent: notSent.length,
        delivered: expected.size - missing.length,
        missing: missing.length,
        duplicated: duplicatedIds.reduce((n, [, c]) => n + c - 1, 0),
        duplicatedAfterKillInSendWindow: duplicatedIds.filter(explained).length,
        duplicatedUnexplained: duplicatedIds.filter((d) => !explained(d)).reduce((n, [, c]) => n + c - 1, 0),
        duplicatedByRecipientSubject: [...byRecipientSubject.values()].reduce((n, c) => n + c - 1, 0),
        unexpected: unexpected.length,
        messagesAtServer: messages.length,
        examples,
      },
      submissions: {
        expected: agencies.sent.size,
        stored: agencies.sent.size - lost.length,
        lost: lost.length,
        altered: altered.length,
        unexpected: unexpectedRows.length,
        accepted: [...agencies.sent.values()].filter((s) => s.accepted).length,
        refusedOrFailed: agencies.refused.length,
        updatesRetried: agencies.retried,
        examples: [
          ...lost.slice(0, 5).map((r) => `lost: ${r}`),
          ...altered.slice(0, 5).map((r) => `altered: ${r}`),
          ...unexpectedRows.slice(0, 5).map((r) => `unexpected row: ${r}`),
          ...agencies.refused.slice(0, 5).map((r) => `refused: ${r}`),
        ],
      },
      lateAnswers: {
        agencies: lateTier.size,
        sent: lateSent.length,
        byTier,
        sentWhileWorkerDown: lateSent.filter((s) => s.sentWhileWorkerDown).length,
        allSentWhileWorkerDown: [...agencies.sent.values()].filter((s) => s.sentWhileWorkerDown).length,
      },
      lateness,
      naming,
      problems: [],
    };
    if (!clock) backgroundErrors.push("the cycle's clock could not be read from an agency workflow");
    if (!summary) backgroundErrors.push('the cycle stored no summary');
    figures.problems = [...problemsOf(figures, options), ...backgroundErrors];
    return figures;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error(`chaos cleanup: ${(err as Error).message}`));
    }
  }
}

/** How notification-log.ts begins the note of a send that took over an expired claim. */
const RESENT_NOTE = 'resent after an attempt that stopped while sending';

/** The checks: the cycle completed, every email arrived once, every submission is stored as sent. */
export function problemsOf(f: ChaosFigures, options: ChaosOptions): string[] {
  const problems: string[] = [];
  if (!f.cycle.completed) problems.push('the cycle workflow did not complete');
  if (f.faults.workerKills.length !== options.kills)
    problems.push(`${f.faults.workerKills.length} worker kills of ${options.kills} planned happened`);
  if (options.smtpOutageSeconds > 0 && !f.faults.smtpOutage) problems.push('the SMTP outage did not happen');
  const e = f.emails;
  if (e.missing > 0) problems.push(`${e.missing} expected emails never arrived`);
  if (e.duplicatedUnexplained > 0) {
    problems.push(`${e.duplicatedUnexplained} emails arrived more than once (same Message-ID) unexplained`);
  }
  if (e.unexpected > 0) problems.push(`${e.unexpected} messages at the SMTP server match no expected email`);
  if (e.requiredNotLogged > 0)
    problems.push(`${e.requiredNotLogged} required emails are not in the notification log`);
  if (e.notMarkedSent > 0) problems.push(`${e.notMarkedSent} notification log rows are not marked sent`);
  const s = f.submissions;
  if (s.lost > 0) problems.push(`${s.lost} submissions with a receipt are not stored`);
  if (s.altered > 0) problems.push(`${s.altered} submissions are stored with other content than was sent`);
  if (s.unexpected > 0) problems.push(`${s.unexpected} stored submissions have no receipt`);
  if (f.lateness.mismatched > 0)
    problems.push(`${f.lateness.mismatched} submissions stored with another time or lateness than sent`);
  if (f.naming.mismatched > 0)
    problems.push(`${f.naming.mismatched} obligations named (flagged) otherwise than their send time says`);
  return problems;
}

/** The workflows of the cycle still open, with what each waits for (for a run that did not finish). */
async function unfinished(env: TestWorkflowEnvironment, cycleId: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const w of env.client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
    if (!w.workflowId.startsWith(cycleId)) continue;
    if (lines.length >= 10) break;
    const handle = env.client.workflow.getHandle(w.workflowId);
    const d = await handle.describe();
    const pending = (d.raw.pendingActivities ?? []).map(
      (a) => `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ?? ''}`,
    );
    const task = d.raw.pendingWorkflowTask;
    const history = await handle.fetchHistory();
    const last = (history.events ?? []).slice(-4).map((e) => {
      const type = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
      const failure = e.workflowTaskFailedEventAttributes?.failure?.message;
      return failure ? `${type} (${failure.slice(0, 300)})` : type;
    });
    lines.push(
      `${w.workflowId}: ${pending.join('; ') || 'no pending activity'}` +
        (task ? `; workflow task ${task.state} attempt ${task.attempt}` : '') +
        `; last events ${last.join(', ')}`,
    );
  }
  return lines;
}
