// `phoihop schedule sync|list|pause|unpause|trigger|backfill`: the yearly Schedules that start each
// program's cycle (see src/schedule/ and src/workflows/scheduled-cycle-start.ts).
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { temporalConfigFromEnv } from '../config/temporal';
import { loadPrograms, PROGRAMS_DIR } from '../programs/load';
import {
  backfillSchedule,
  listSchedules,
  scheduleState,
  setSchedulePaused,
  syncSchedules,
  triggerSchedule,
  type ScheduleState,
} from '../schedule/schedules';
import { scheduleId } from '../schedule/timing';
import { connectClient } from '../temporal/connection';
import { findProgram } from '../programs/find';

async function withTemporal<T>(fn: (client: Client, taskQueue: string) => Promise<T>): Promise<T> {
  const config = temporalConfigFromEnv();
  const client = await connectClient(config);
  try {
    return await fn(client, config.taskQueue);
  } finally {
    await client.connection.close();
  }
}

function output(json: boolean | undefined, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text());
}

function describeState(s: ScheduleState): string {
  return [
    `${s.scheduleId}: ${s.paused ? 'tạm dừng / paused' : 'đang chạy / active'}${s.note ? ` (${s.note})` : ''}`,
    `  lần tới / next: ${s.nextFires.join(', ') || '-'}`,
    ...s.recent.map((r) => `  đã chạy / fired: ${r.scheduledAt} → ${r.workflowId}`),
    ...s.running.map((w) => `  đang chờ / running: ${w}`),
  ].join('\n');
}

const actor = `coordinator:${process.env.USER ?? 'cli'}`;

export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('the yearly schedules that start each program’s cycle / lịch khởi động chu trình hằng năm');

  schedule
    .command('sync')
    .description('create or update the schedule of every program in programs/ (idempotent)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const programs = loadPrograms(PROGRAMS_DIR);
      const synced = await withTemporal((client, taskQueue) => syncSchedules(client, taskQueue, programs));
      output(opts.json, synced, () =>
        [
          ...synced.results.map(
            (r) => `${r.change.padEnd(9)} ${r.scheduleId}: yearly on ${r.firesOn} 00:00 (${r.rule})`,
          ),
          ...synced.orphans.map(
            (id) =>
              `orphan    ${id}: its program is not in programs/; left as is ` +
              `(delete: temporal schedule delete --schedule-id '${id}')`,
          ),
        ].join('\n'),
      );
    });

  schedule
    .command('list')
    .description('every program’s schedule: paused or not, next fire, recent and running starts')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const states = await withTemporal((client) => listSchedules(client));
      output(opts.json, states, () =>
        states.length ? states.map(describeState).join('\n') : 'no schedule yet: run `phoihop schedule sync`',
      );
    });

  const byProgram = (name: string, description: string) =>
    schedule
      .command(name)
      .description(description)
      .requiredOption('--program <code>', 'program code, e.g. dien-bien-kh99')
      .option('--json', 'machine-readable output');

  for (const [name, paused, description] of [
    ['pause', true, 'pause a program’s schedule (no cycle starts by itself until unpaused)'],
    ['unpause', false, 'resume a paused schedule (fires missed while paused are not taken: see backfill)'],
  ] as const) {
    byProgram(name, description)
      .option('--reason <text>', 'why (shown as the schedule’s note)', `${name}d`)
      .action(async (opts: { program: string; reason: string; json?: boolean }) => {
        const state = await withTemporal(async (client) => {
          await setSchedulePaused(client, opts.program, paused, `${opts.reason} (${actor})`);
          return scheduleState(client, opts.program);
        });
        output(opts.json, state, () => describeState(state));
      });
  }

  byProgram(
    'trigger',
    'fire now: this year’s cycle starts on its first day (at once if that has passed), unless already started',
  ).action(async (opts: { program: string; json?: boolean }) => {
    await withTemporal((client) => triggerSchedule(client, opts.program));
    output(
      opts.json,
      { ok: true, scheduleId: scheduleId(opts.program) },
      () => `triggered ${scheduleId(opts.program)}`,
    );
  });

  byProgram('backfill', 'take a past year’s fire: that year’s cycle starts now, unless already started')
    .requiredOption('--year <year>', 'the cycle year', Number)
    .action(async (opts: { program: string; year: number; json?: boolean }) => {
      const definition = findProgram(opts.program).definition;
      const result = await withTemporal((client) =>
        backfillSchedule(client, definition, opts.year, Date.now()),
      );
      output(
        opts.json,
        { ok: true, scheduleId: scheduleId(opts.program), ...result },
        () => `backfilled ${scheduleId(opts.program)} for ${opts.year} (fire of ${result.scheduledAt})`,
      );
    });
}
