// Logs why an activity took long or ran again, through the activity's own logger (the worker's log, with
// the activity's type, ID, workflow ID and attempt attached by the SDK):
// - "Activity retried": an attempt after the first, with the time since the first attempt was scheduled. The
//   previous attempt either failed (the SDK logged "Activity failed" with its error) or ran out of its
//   start-to-close timeout (nothing was logged: the worker never finished it, or its result never reached
//   the server).
// - "Activity still running": an attempt past the slow threshold, while it runs, so that a hang is in the
//   log before its timeout; with how late the check ran (a blocked event loop, e.g. a synchronous SQLite
//   lock wait, shows here).
// - "Activity slow": an attempt that finished after the threshold, with its duration and whether it
//   outlived its start-to-close timeout (the server has then already retried it).
// - "Activity database error": a failure from the database, with the driver's own code and message (Prisma
//   reports SQLite's "database is locked" as P1008 "Operation has timed out").
import type { Context } from '@temporalio/activity';
import type { LogMetadata, Logger } from '@temporalio/common';
import {
  activityLogAttributes,
  type ActivityInboundCallsInterceptor,
  type ActivityInterceptorsFactory,
} from '@temporalio/worker';
import { databaseErrorCause } from '../db/errors';
import { DEFAULT_SLOW_ACTIVITY_MS } from '../config/activity-log';

export interface ActivityLogOptions {
  /** Threshold for "Activity still running" / "Activity slow" (ms). */
  slowMs?: number;
  /**
   * Where the lines go, with the activity's attributes added (default: the activity's own logger, that is
   * the worker's log).
   */
  logger?: Logger;
}

type ActivityLog = Pick<Logger, 'warn'>;

class ActivityLogInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly slowMs: number,
    private readonly logger?: Logger,
  ) {}

  private get log(): ActivityLog {
    const { logger, ctx } = this;
    if (!logger) return ctx.log;
    return {
      warn: (message: string, meta?: LogMetadata) =>
        logger.warn(message, { ...activityLogAttributes(ctx.info), ...meta }),
    };
  }

  async execute(
    input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0],
    next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1],
  ): Promise<unknown> {
    const { info } = this.ctx;
    const log = this.log;
    const startedAt = Date.now();
    /** Time between the server scheduling this attempt and the worker starting it (backlog, busy slots). */
    const queuedMs = Math.max(0, startedAt - info.currentAttemptScheduledTimestampMs);
    const timeoutMs = info.startToCloseTimeoutMs;
    if (info.attempt > 1) {
      log.warn('Activity retried', {
        sinceFirstScheduledMs: startedAt - info.scheduledTimestampMs,
        queuedMs,
        startToCloseTimeoutMs: timeoutMs,
        cause:
          'the previous attempt failed (see its "Activity failed" line) or ran out of its start-to-close ' +
          'timeout (no line: the worker did not finish it in time, or its result did not reach the server)',
      });
    }
    const watchdog = setTimeout(() => {
      const runningMs = Date.now() - startedAt;
      log.warn('Activity still running', {
        runningMs,
        eventLoopDelayMs: runningMs - this.slowMs,
        queuedMs,
        startToCloseTimeoutMs: timeoutMs,
      });
    }, this.slowMs);
    watchdog.unref();
    try {
      return await next(input);
    } catch (error) {
      const cause = databaseErrorCause(error);
      if (cause) log.warn('Activity database error', { cause, durationMs: Date.now() - startedAt });
      throw error;
    } finally {
      clearTimeout(watchdog);
      const durationMs = Date.now() - startedAt;
      if (durationMs >= this.slowMs) {
        log.warn('Activity slow', {
          durationMs,
          queuedMs,
          startToCloseTimeoutMs: timeoutMs,
          // The server's start-to-close clock starts about when the worker starts the attempt.
          pastTimeout: timeoutMs > 0 && durationMs > timeoutMs,
        });
      }
    }
  }
}

/** The worker's activity interceptor (create-worker.ts installs it on every worker that runs activities). */
export function activityLogInterceptor(options: ActivityLogOptions = {}): ActivityInterceptorsFactory {
  const slowMs = options.slowMs ?? DEFAULT_SLOW_ACTIVITY_MS;
  return (ctx) => ({ inbound: new ActivityLogInterceptor(ctx, slowMs, options.logger) });
}
