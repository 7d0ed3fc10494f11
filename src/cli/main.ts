import { Command } from 'commander';
import { temporalConfigFromEnv } from '../config/temporal';
import { smtpConfigFromEnv } from '../config/smtp';
import { describeFatal } from '../config/fatal';
import { connectClient } from '../temporal/connection';
import { runHello } from './hello';
import { computePlan, findProgram, formatPlan } from './cycle-plan';

/** `phoihop`: the coordinator's command line. */
const program = new Command()
  .name('phoihop')
  .description('Phối hợp: yearly coordination cycles on Temporal / chu trình phối hợp hằng năm')
  .showHelpAfterError();

program
  .command('hello')
  .description('run the foundation hello workflow: a database row and an email, end to end')
  .option('--name <name>', 'who to greet', 'Sở Văn hóa, Thể thao và Du lịch')
  .option('--email <address>', 'where to send the email', 'vanthu.sovhttdl@example.gov.vn')
  .option('--workflow-id <id>', 'workflow ID (default: hello:<timestamp>)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { name: string; email: string; workflowId?: string; json?: boolean }) => {
    const temporal = temporalConfigFromEnv();
    const smtp = smtpConfigFromEnv();
    const client = await connectClient(temporal);
    try {
      const workflowId = opts.workflowId ?? `hello:${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const result = await runHello(client, temporal, { name: opts.name, email: opts.email }, workflowId);
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
      } else {
        console.log(`Workflow ${result.workflowId} completed / đã hoàn thành`);
        console.log(`  database row / bản ghi:  HelloRun #${result.helloRunId}`);
        console.log(`  email / thư:             ${result.messageId} → ${opts.email}`);
        console.log(`  Temporal UI:             ${result.uiUrl}`);
        if (smtp.inboxUrl) console.log(`  inbox / hộp thư:         ${smtp.inboxUrl}`);
      }
    } finally {
      await client.connection.close();
    }
  });

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

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`phoihop: ${describeFatal(err)}`);
  process.exit(1);
});
