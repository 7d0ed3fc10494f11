// Activities of the scheduledCycleStart workflow: when this year's cycle starts, and starting it through
// the same path as `phoihop cycle start` (one place builds a cycle's input).
import { ApplicationFailure, Context } from '@temporalio/activity';
import { buildCalendarData } from '../calendar/load';
import { WorkingCalendar } from '../calendar/working-calendar';
import { CycleAlreadyStartedError, startCycle } from '../cycle/start';
import { UsageError } from '../config/usage-error';
import { temporalConfigFromEnv } from '../config/temporal';
import { yearsTouchedBy } from '../cycle/plan';
import { loadPrograms } from '../programs/load';
import { cycleStartDate } from '../schedule/start-date';
import { cycleStartInstant } from '../schedule/timing';
import { cycleWorkflowId } from '../workflows/cycle-types';

export interface ScheduleActivityOptions {
  /** Folder of the program files (programs/) and of the holiday year files (data/holidays). */
  programsDir: string;
  holidaysDir: string;
  /** Task queue of the cycles started (default: this activity's, i.e. the worker's PHOIHOP_TASK_QUEUE). */
  cycleTaskQueue?: string;
}

export interface CycleStartTime {
  /** The cycle's first day. */
  startsOn: string;
  /** The instant the cycle starts (START_HOUR on its first day). */
  startAt: number;
  /** How long to wait from the moment the server scheduled this activity (0 when the time has passed). */
  waitMs: number;
}

export interface ScheduledCycleStarted {
  workflowId: string;
  /** `already-started`: the year's cycle was there (started by hand, or by an earlier run): nothing done. */
  outcome: 'started' | 'already-started';
}

/** Refusals that no retry can fix (an unknown program, a year outside the calendar). */
const REFUSED = 'ScheduledStartRefused';

export function createScheduleActivities({
  programsDir,
  holidaysDir,
  cycleTaskQueue,
}: ScheduleActivityOptions) {
  return {
    /**
     * When `year`'s cycle of `program` starts, by its `cycleStart` rule and the working calendar. The wait
     * is measured against the server's clock (the activity's scheduled time), not the worker's, so that it
     * also holds on a time-skipping test server.
     */
    async cycleStartTime(input: { program: string; year: number }): Promise<CycleStartTime> {
      const loaded = loadPrograms(programsDir).find((p) => p.definition.code === input.program);
      if (!loaded) {
        throw ApplicationFailure.nonRetryable(`no program "${input.program}" in ${programsDir}`, REFUSED);
      }
      let startsOn: string;
      try {
        const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(input.year), holidaysDir));
        startsOn = cycleStartDate(loaded.definition, input.year, calendar);
      } catch (err) {
        if (err instanceof RangeError) throw ApplicationFailure.nonRetryable(err.message, REFUSED);
        throw err; // e.g. a holiday file being edited: retried, so fixing the file lets the run go on
      }
      const startAt = cycleStartInstant(startsOn);
      const now = Context.current().info.currentAttemptScheduledTimestampMs;
      return { startsOn, startAt, waitMs: Math.max(0, startAt - now) };
    },

    /**
     * Starts `year`'s cycle exactly as `phoihop cycle start` does, on this worker's task queue. A cycle
     * already there (started by hand, by a trigger, or by a retry of this activity) is success: a year's
     * cycle is started once, whoever asks first.
     */
    async startScheduledCycle(input: { program: string; year: number }): Promise<ScheduledCycleStarted> {
      const info = Context.current().info;
      const temporal = {
        ...temporalConfigFromEnv(),
        namespace: info.namespace,
        taskQueue: cycleTaskQueue ?? info.taskQueue,
      };
      try {
        const started = await startCycle(Context.current().client, temporal, input);
        Context.current().log.info('cycle started by its schedule', { workflowId: started.workflowId });
        return { workflowId: started.workflowId, outcome: 'started' };
      } catch (err) {
        if (err instanceof CycleAlreadyStartedError) {
          return { workflowId: cycleWorkflowId(input.program, input.year), outcome: 'already-started' };
        }
        if (err instanceof UsageError || err instanceof RangeError)
          throw ApplicationFailure.nonRetryable(err.message, REFUSED);
        throw err;
      }
    },
  };
}
