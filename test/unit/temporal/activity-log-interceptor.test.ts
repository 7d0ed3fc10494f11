import { MockActivityEnvironment } from '@temporalio/testing';
import { KeptLogger } from '../../support/kept-logger';
import type { Info } from '@temporalio/activity';
import { activityLogInterceptor } from '../../../src/temporal/activity-log-interceptor';
import { slowActivityMsFromEnv } from '../../../src/config/activity-log';
import { databaseErrorCause } from '../../../src/db/errors';

/** The interceptor's lines (the SDK logs its own "Activity failed" to the same logger). */
const OURS = new Set([
  'Activity retried',
  'Activity still running',
  'Activity slow',
  'Activity database error',
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function environment(info: Partial<Info>, slowMs = 200) {
  const logger = new KeptLogger();
  const now = Date.now();
  const env = new MockActivityEnvironment(
    {
      activityType: 'recordObligation',
      workflowExecution: { workflowId: 'cycle:test:2031:SO-TC', runId: 'run-1' },
      startToCloseTimeoutMs: 15_000,
      scheduledTimestampMs: now,
      currentAttemptScheduledTimestampMs: now,
      ...info,
    },
    { logger, interceptors: [activityLogInterceptor({ slowMs })] },
  );
  return { env, logger };
}

describe('the activity log interceptor', () => {
  it('says nothing about a first attempt that finishes quickly', async () => {
    const { env, logger } = environment({ attempt: 1 });
    await expect(env.run(async () => 'done')).resolves.toBe('done');
    expect(logger.matching(OURS)).toEqual([]);
  });

  it('logs a retry with its attempt, activity type, workflow and the time since the first attempt', async () => {
    const now = Date.now();
    const { env, logger } = environment({
      attempt: 2,
      scheduledTimestampMs: now - 16_000,
      currentAttemptScheduledTimestampMs: now - 1_000,
    });
    await env.run(async () => undefined);
    const [line, ...rest] = logger.matching(OURS);
    expect(rest).toEqual([]);
    expect(line!.message).toBe('Activity retried');
    expect(line!.meta).toMatchObject({
      attempt: 2,
      activityType: 'recordObligation',
      workflowId: 'cycle:test:2031:SO-TC',
      startToCloseTimeoutMs: 15_000,
    });
    expect(line!.meta.sinceFirstScheduledMs).toBeGreaterThanOrEqual(16_000);
    expect(line!.meta.queuedMs).toBeGreaterThanOrEqual(1_000);
    expect(String(line!.meta.cause)).toMatch(/start-to-close timeout/);
  });

  it('logs an attempt still running past the threshold, then its duration when it ends', async () => {
    const { env, logger } = environment({ attempt: 1 }, 100);
    await env.run(() => sleep(300));
    const lines = logger.matching(OURS);
    expect(lines.map((l) => l.message)).toEqual(['Activity still running', 'Activity slow']);
    expect(lines[0]!.meta.runningMs).toBeGreaterThanOrEqual(100);
    expect(lines[0]!.meta).toMatchObject({ activityType: 'recordObligation', attempt: 1 });
    // The 300 ms sleep, measured with Date.now: a timer may fire a millisecond before it by that clock.
    expect(lines[1]!.meta.durationMs).toBeGreaterThanOrEqual(295);
    expect(lines[1]!.meta.pastTimeout).toBe(false);
  });

  it('shows how long a blocked event loop kept the check from running', async () => {
    const { env, logger } = environment({ attempt: 1 }, 50);
    await env.run(async () => {
      const until = Date.now() + 400; // a synchronous wait, as better-sqlite3's on a locked database
      while (Date.now() < until);
      await sleep(200);
    });
    const still = logger.matching(OURS).find((l) => l.message === 'Activity still running')!;
    expect(still.meta.eventLoopDelayMs).toBeGreaterThanOrEqual(300);
  });

  it('logs a database failure with the driver cause under Prisma', async () => {
    const { env, logger } = environment({ attempt: 1 });
    const locked = Object.assign(new Error('Operation has timed out'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P1008',
      meta: {
        driverAdapterError: {
          name: 'DriverAdapterError',
          cause: {
            originalCode: 'SQLITE_BUSY',
            originalMessage: 'database is locked',
            kind: 'SocketTimeout',
          },
        },
      },
    });
    await expect(env.run(() => Promise.reject(locked))).rejects.toBe(locked);
    const line = logger.matching(OURS).find((l) => l.message === 'Activity database error')!;
    expect(line.meta).toMatchObject({
      cause: 'SQLITE_BUSY: database is locked (Prisma P1008)',
      activityType: 'recordObligation',
    });
  });

  it('does not call an error the database did not raise a database error', async () => {
    const { env, logger } = environment({ attempt: 1 });
    await expect(env.run(() => Promise.reject(new Error('SMTP 421')))).rejects.toThrow('SMTP 421');
    expect(logger.matching(OURS)).toEqual([]);
  });
});

describe('databaseErrorCause', () => {
  it('names a Prisma error without a driver cause by its code and last message line', () => {
    const e = Object.assign(
      new Error('\nInvalid `prisma.x.create()` invocation:\n\nTimed out fetching a new connection'),
      {
        name: 'PrismaClientKnownRequestError',
        code: 'P2024',
      },
    );
    expect(databaseErrorCause(e)).toBe('Prisma P2024: Timed out fetching a new connection');
  });
  it('is undefined for anything else', () => {
    expect(databaseErrorCause(new Error('boom'))).toBeUndefined();
    expect(databaseErrorCause(undefined)).toBeUndefined();
    expect(databaseErrorCause({ code: 'ECONNRESET' })).toBeUndefined();
  });
});

describe('PHOIHOP_SLOW_ACTIVITY_MS', () => {
  it('defaults, takes a whole number of ms, and refuses anything else', () => {
    expect(slowActivityMsFromEnv({})).toBe(5_000);
    expect(slowActivityMsFromEnv({ PHOIHOP_SLOW_ACTIVITY_MS: ' ' })).toBe(5_000);
    expect(slowActivityMsFromEnv({ PHOIHOP_SLOW_ACTIVITY_MS: '1500' })).toBe(1_500);
    expect(() => slowActivityMsFromEnv({ PHOIHOP_SLOW_ACTIVITY_MS: 'soon' })).toThrow(
      /PHOIHOP_SLOW_ACTIVITY_MS/,
    );
  });
});
