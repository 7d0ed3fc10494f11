/**
 * Faults on a real cycle (bench/chaos/run.ts): the worker killed with SIGKILL at seeded random moments and
 * restarted, and the SMTP server stopped while the 6-month requests go out, then brought back. Prints what
 * was injected and what arrived (emails counted at the SMTP server, submissions in the database), writes
 * the figures to bench/results/chaos-<agencies>-seed-<seed>.json, and exits 1 if anything was lost or
 * duplicated.
 *
 *   scripts/chaos [--agencies 300] [--kills 5] [--seed N] [--minutes 10] [--outage 30] [--rate 300]
 *                 [--wait-for-send 5] [--kill-from 0.05] [--kill-to 0.85] [--random-first-kill] [--grace 900]
 *                 [--late 0.33] [--kill-among-late] [--no-received-at]
 *
 * The first kill falls when the first requests go out (unless --random-first-kill), the others at seeded
 * moments between --kill-from and --kill-to of the year; each waits up to --wait-for-send seconds for an
 * email being sent, so that kills cut sends off. --late is the share of agencies that answer late on
 * purpose (after each step of the ladder in turn); --kill-among-late moves the last kill to the first
 * escalation step after the outage, where late answers wait, and they send while the worker is down;
 * --no-received-at leaves the agencies' time out of their submissions (the worker's handling time
 * counts), which the checks catch.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { newSeed } from './chaos/prng';
import { runChaos, type ChaosFigures } from './chaos/run';

const { values } = parseArgs({
  options: {
    agencies: { type: 'string', default: '300' },
    kills: { type: 'string', default: '5' },
    seed: { type: 'string' },
    minutes: { type: 'string', default: '10' },
    outage: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    year: { type: 'string', default: '2031' },
    grace: { type: 'string', default: '900' },
    'kill-from': { type: 'string', default: '0.05' },
    'kill-to': { type: 'string', default: '0.85' },
    'random-first-kill': { type: 'boolean', default: false },
    'wait-for-send': { type: 'string', default: '5' },
    late: { type: 'string', default: '0.33' },
    'kill-among-late': { type: 'boolean', default: false },
    'no-received-at': { type: 'boolean', default: false },
  },
});

function number(name: keyof typeof values, min: number): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`--${name} ${values[name]}: expected a number ≥ ${min}`);
  return n;
}

function table(f: ChaosFigures): string {
  const e = f.emails;
  const s = f.submissions;
  const o = f.faults.smtpOutage;
  return [
    `seed ${f.seed}: ${f.agencies} agencies, the ${f.year} cycle in ${f.yearMinutes} min (×${f.scale}), ` +
      `cycle ${f.cycle.completed ? 'completed' : 'NOT completed'} after ${f.cycle.seconds} s`,
    `faults injected: ${f.faults.injected} (${f.faults.workerKills.length} worker SIGKILLs` +
      (o ? `, SMTP down ${o.seconds} s` : '') +
      ')',
    ...f.faults.workerKills.map(
      (k) =>
        `  kill at ${k.atSeconds} s (calendar ${k.calendarDate}): ${k.sendsInFlight} sends in flight, ` +
        `down ${k.downSeconds} s, restarted in ${k.restartSeconds} s`,
    ),
    `  emails being sent when a kill struck: ${f.faults.sendsCutOff.emails}, delivered exactly once ` +
      `${f.faults.sendsCutOff.deliveredOnce}, sent again after at most ${f.faults.sendsCutOff.maxDelaySeconds ?? '-'} s`,
    ...(o
      ? [
          `  SMTP down at ${o.atSeconds} s for ${o.seconds} s (calendar ${o.calendarFrom} to ${o.calendarTo}): ` +
            `${o.emailsDelayed} emails delayed, up to ${o.maxAttempts} attempts, all sent ` +
            `${o.recoverySeconds ?? '?'} s after it came back; ${o.pendingActivitiesSeen.length} retrying email ` +
            `activities seen in describe()` +
            (o.pendingActivitiesSeen[0]
              ? ` (e.g. attempt ${o.pendingActivitiesSeen[0].attempt}, PhStage ${o.pendingActivitiesSeen[0].phStage})`
              : ''),
        ]
      : []),
    `emails: expected ${e.expected} (required ${e.required}), delivered ${e.delivered}, missing ${e.missing}, ` +
      `duplicated ${e.duplicated} (by recipient+subject ${e.duplicatedByRecipientSubject}), unexpected ` +
      `${e.unexpected}; ${e.messagesAtServer} messages at the SMTP server`,
    `submissions: expected ${s.expected}, stored ${s.stored}, lost ${s.lost}, altered ${s.altered}, ` +
      `unexpected ${s.unexpected}; ${s.accepted} accepted, ${s.refusedOrFailed} refused, ${s.updatesRetried} ` +
      'Updates sent again',
    `late answers: ${f.lateAnswers.sent} from ${f.lateAnswers.agencies} agencies ` +
      `(${Object.entries(f.lateAnswers.byTier)
        .map(([step, n]) => `${n} after ${step}`)
        .join(', ')}), ${f.lateAnswers.sentWhileWorkerDown} sent while the worker was down`,
    `lateness by the agencies' send times: ${f.lateness.checked} checked (${f.lateness.late} late), ` +
      `${f.lateness.mismatched} mismatched; naming: ${f.naming.checked} checked (${f.naming.flagged} ` +
      `flagged), ${f.naming.mismatched} mismatched`,
    ...[...f.lateness.examples, ...f.naming.examples].map((x) => `  ${x}`),
    f.problems.length === 0
      ? 'OK: nothing lost, nothing duplicated'
      : `PROBLEMS:\n- ${f.problems.join('\n- ')}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const seed = values.seed !== undefined ? number('seed', 0) : newSeed();
  console.log(`[chaos] seed ${seed} (repeat this run with --seed ${seed})`);
  const figures = await runChaos({
    agencies: number('agencies', 2),
    kills: number('kills', 0),
    seed,
    yearMinutes: number('minutes', 0.5),
    smtpOutageSeconds: number('outage', 0),
    emailsPerSecond: number('rate', 1),
    killWaitForSendMs: number('wait-for-send', 0) * 1000,
    graceSeconds: number('grace', 0),
    killFrom: number('kill-from', 0),
    killTo: number('kill-to', 0),
    firstKillAtStart: !values['random-first-kill'],
    year: number('year', 2000),
    lateShare: number('late', 0),
    lastKillAmongLateAnswers: values['kill-among-late'],
    sendReceivedAt: !values['no-received-at'],
  });
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `chaos-${figures.agencies}-seed-${seed}.json`);
  // Formatted as the project's Prettier check expects of every file.
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(JSON.stringify(figures), { ...options, parser: 'json' }));
  console.log(`\n${table(figures)}\n\nfigures written to ${file}`);
  if (figures.problems.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
