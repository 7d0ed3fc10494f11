import { Command } from 'commander';
import { temporalConfigFromEnv } from '../config/temporal';
import { describeFatal } from '../config/fatal';
import { connectClient } from '../temporal/connection';
import { formatPlan } from './cycle-plan';
import { computePlan } from '../cycle/compute-plan';
import { startCycle } from '../cycle/start';
import { importDirectoryFile } from '../directory/import-file';
import { findProgram } from '../programs/find';
import {
  agencyOutcomes,
  agencyRunning,
  agencyStatus,
  cancelCycle,
  coordinatorAction,
  cycleCounts,
} from './cycle-commands';
import { openDatabase } from '../db/client';
import type { Client, UpdateDefinition } from '@temporalio/client';
import {
  acceptUpdate,
  extendUpdate,
  remindNowUpdate,
  returnUpdate,
  waiveUpdate,
} from '../workflows/messages/agency-obligations';
import { runDemo } from '../demo/run-demo';
import type { CycleSummary } from '../workflows/cycle-types';
import { agencyStatusLines, cycleStatusLines, withFinalOutcomes } from '../reports/cycle-status';
import { registerUserCommands } from './user-commands';
import { UsageError } from '../config/usage-error';
import { registerScheduleCommands } from './schedule-commands';

/** `phoihop`: the coordinator's command line. */
const program = new Command()
  .name('phoihop')
  .description('Phối hợp: yearly coordination cycles on Temporal / chu trình phối hợp hằng năm')
  .showHelpAfterError();

const cycle = program.command('cycle').description('yearly cycles of a program / chu trình hằng năm');

cycle
  .command('plan')
  .description('print every computed date of a year: requests, reminders, due dates, escalations')
  .requiredOption('--program <code>', 'program code, e.g. dien-bien-kh99')
  .requiredOption('--year <year>', 'the cycle year', (v) => Number(v))
  .option('--lang <lang>', 'vi or en', 'vi')
  .option('--json', 'print the plan as JSON')
  .action((opts: { program: string; year: number; lang: string; json?: boolean }) => {
    if (opts.lang !== 'vi' && opts.lang !== 'en') throw new Error(`--lang ${opts.lang}: expected vi or en`);
    const loaded = findProgram(opts.program);
    const plan = computePlan(loaded, opts.year);
    console.log(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(loaded, plan, opts.lang));
  });

const year = (v: string) => Number(v);
const print = (json: boolean | undefined, value: unknown, text: () => string) =>
  console.log(json ? JSON.stringify(value, null, 2) : text());

/** Runs `fn` with a Temporal client, closing it afterwards. */
async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(temporalConfigFromEnv());
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

cycle
  .command('start')
  .description('start a year’s cycle (once per program and year); --dry-run prints the plan instead')
  .requiredOption('--program <code>', 'program code')
  .requiredOption('--year <year>', 'the cycle year', year)
  .option('--scale <n>', 'compressed time: calendar seconds per real second (demo)', Number)
  .option('--dry-run', 'print every computed date and start nothing')
  .option('--json', 'machine-readable output')
  .action(
    async (opts: { program: string; year: number; scale?: number; dryRun?: boolean; json?: boolean }) => {
      if (opts.dryRun) {
        const loaded = findProgram(opts.program);
        const plan = computePlan(loaded, opts.year);
        return print(opts.json, plan, () => formatPlan(loaded, plan, 'vi'));
      }
      const started = await withClient((client) => startCycle(client, temporalConfigFromEnv(), opts));
      print(opts.json, started, () =>
        [
          `Đã bắt đầu chu trình ${opts.year} / cycle started: ${started.workflowId}`,
          `  ${started.startsOn} → ${started.endsOn}`,
          `  Temporal UI: ${started.uiUrl}`,
        ].join('\n'),
      );
    },
  );

cycle
  .command('status')
  .description('where a cycle stands: counts per milestone, or one agency’s obligations with --agency')
  .requiredOption('--program <code>', 'program code')
  .requiredOption('--year <year>', 'the cycle year', year)
  .option('--agency <code>', 'one agency')
  .option('--json', 'machine-readable output')
  .action(async (opts: { program: string; year: number; agency?: string; json?: boolean }) => {
    if (opts.agency) {
      const agency = opts.agency;
      const [status, running] = await withClient((client) =>
        Promise.all([agencyStatus(client, { ...opts, agency }), agencyRunning(client, { ...opts, agency })]),
      );
      // Once the cycle has closed, each obligation's final outcome from the read model, not its last stage.
      let final: Awaited<ReturnType<typeof agencyOutcomes>> = null;
      if (!running) {
        const db = await openDatabase();
        final = await agencyOutcomes(db, { ...opts, agency }).finally(() => db.close());
      }
      const shown = withFinalOutcomes(status, final);
      return print(opts.json, shown, () => agencyStatusLines(shown).join('\n'));
    }
    const db = await openDatabase();
    try {
      const counts = await cycleCounts(db, opts);
      print(opts.json, counts, () => cycleStatusLines(`${opts.program} ${opts.year}`, counts).join('\n'));
    } finally {
      await db.close();
    }
  });

cycle
  .command('cancel')
  .description(
    'cancel a cycle: every agency workflow stops and its open obligations are recorded as cancelled',
  )
  .requiredOption('--program <code>', 'program code')
  .requiredOption('--year <year>', 'the cycle year', year)
  .action(async (opts: { program: string; year: number }) => {
    const id = await withClient((client) => cancelCycle(client, opts));
    console.log(`Đã yêu cầu hủy / cancellation requested: ${id}`);
  });

/** The options of a coordinator action (`--until` and `--reason` for the actions that declare them). */
interface ActionOptions {
  program: string;
  year: number;
  agency: string;
  milestone: string;
  by: string;
  reason?: string;
  until?: string;
  json?: boolean;
  lang?: string;
}

/** The value of an option the command declares required (commander refuses the command without it). */
function given(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  return value;
}

/** Coordinator actions on one agency's obligation: each the agency workflow's Update, with its argument. */
function action<Ret, Arg>(
  name: string,
  update: UpdateDefinition<Ret, [Arg]>,
  description: string,
  extra: (c: ReturnType<typeof program.command>) => void,
  args: (opts: ActionOptions) => Arg,
) {
  const c = program
    .command(name)
    .description(description)
    .requiredOption('--program <code>', 'program code')
    .requiredOption('--year <year>', 'the cycle year', year)
    .requiredOption('--agency <code>', 'agency code')
    .requiredOption('--milestone <key>', 'milestone key')
    .option('--by <who>', 'who acts (audit)', `coordinator:${process.env.USER ?? 'cli'}`)
    .option('--lang <lang>', 'language of a refusal: vi or en', 'vi')
    .option('--json', 'machine-readable output');
  extra(c);
  c.action(async (opts: ActionOptions) => {
    const { lang } = opts;
    if (lang !== 'vi' && lang !== 'en') throw new UsageError(`--lang ${String(lang)}: expected vi or en`);
    const result = await withClient((client) =>
      coordinatorAction(client, {
        program: String(opts.program),
        year: Number(opts.year),
        agency: String(opts.agency),
        update,
        args: args(opts),
        lang,
      }),
    );
    print(
      Boolean(opts.json),
      { ok: true, result },
      () => `OK${result === undefined ? '' : `: ${String(result)}`}`,
    );
  });
}

action(
  'extend',
  extendUpdate,
  'move a due date; reminders and escalations re-arm for the new date',
  (c) =>
    c.requiredOption('--until <date>', 'new due date (YYYY-MM-DD)').requiredOption('--reason <text>', 'why'),
  ({ milestone, by, until, reason }) => ({
    milestone,
    by,
    until: given(until, '--until'),
    reason: given(reason, '--reason'),
  }),
);
action(
  'waive',
  waiveUpdate,
  'release an agency from an obligation',
  (c) => c.requiredOption('--reason <text>', 'why'),
  ({ milestone, by, reason }) => ({ milestone, by, reason: given(reason, '--reason') }),
);
action(
  'remind',
  remindNowUpdate,
  'send a reminder now',
  () => undefined,
  ({ milestone, by }) => ({ milestone, by }),
);
action(
  'return',
  returnUpdate,
  'return a submission for revision',
  (c) =>
    c
      .requiredOption('--reason <text>', 'what to revise')
      .option('--until <date>', 'new due date (default +5 working days)'),
  ({ milestone, by, reason, until }) => ({
    milestone,
    by,
    reason: given(reason, '--reason'),
    ...(until !== undefined ? { until } : {}),
  }),
);
action(
  'accept',
  acceptUpdate,
  'accept a submission',
  () => undefined,
  ({ milestone, by }) => ({ milestone, by }),
);

const directory = program.command('directory').description('the agency directory / danh bạ đơn vị');
directory
  .command('import <file>')
  .description('import a directory .csv or .xlsx in force from a date; nothing is imported when a row is bad')
  .requiredOption('--effective-from <date>', 'first day the file is in force (YYYY-MM-DD)')
  .option('--by <who>', 'who imports (audit)', `coordinator:${process.env.USER ?? 'cli'}`)
  .option('--json', 'machine-readable output')
  .action(async (file: string, opts: { effectiveFrom: string; by: string; json?: boolean }) => {
    const db = await openDatabase();
    try {
      const result = await importDirectoryFile(db, file, opts.effectiveFrom, opts.by);
      print(opts.json, result, () =>
        result.noop
          ? `Không có thay đổi / no change: ${file} equals the directory in force`
          : [
              `Đã nhập danh bạ / directory imported: revision #${result.revisionId}, ` +
                `hiệu lực từ / in force from ${result.effectiveFrom}`,
              `  mới / new ${result.created.length}, thay đổi / changed ${result.changed.length}, ` +
                `ngừng / closed ${result.closed.length}, mở lại / reopened ${result.reopened.length}, ` +
                `không đổi / unchanged ${result.unchanged}`,
            ].join('\n'),
      );
    } finally {
      await db.close();
    }
  });

program
  .command('demo')
  .description(
    'the main job: Plan 99’s cycle for a year with compressed time, agencies answering on time, late or never',
  )
  .option('--year <year>', 'cycle year (default: the first year not run yet)', year)
  .option('--minutes <n>', 'how long the whole year takes', Number, 5)
  .action(async (opts: { year?: number; minutes: number }) => {
    const temporal = temporalConfigFromEnv();
    const db = await openDatabase();
    try {
      const result = await withClient((client) =>
        runDemo(client, temporal, db, { ...opts, log: (line) => console.log(`  ${line}`) }),
      );
      console.log('\nBáo cáo tổng hợp / consolidated outcome:');
      // The result carries the counts; the agencies named are in the stored summary.
      const stored = await db.prisma.cycle.findUniqueOrThrow({ where: { id: result.cycleId } });
      for (const m of (stored.summary as unknown as CycleSummary).milestones) {
        console.log(
          `  ${m.milestone.padEnd(16)} phải nộp ${m.owed}: đúng hạn ${m.onTime}, muộn ${m.late}, không nộp ${m.missing}` +
            (m.flagged.length ? `; nêu tên: ${m.flagged.join(', ')}` : ''),
        );
      }
    } finally {
      await db.close();
    }
  });

registerUserCommands(program);
registerScheduleCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`phoihop: ${describeFatal(err)}`);
  process.exit(1);
});
