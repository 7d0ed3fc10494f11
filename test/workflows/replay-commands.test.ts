import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { HISTORIES_DIR, recordedWorkflowIds } from '../support/histories';
import type { CommandLogSinks, LoggedCommand } from '../support/command-log-interceptor';

/**
 * Stricter than replay.test.ts: the server checks only the kind and order of the commands a replay
 * emits, not what they carry. Here every activity (type, arguments, task queue), timer (duration) and
 * child workflow (type, ID, arguments) today's code asks for while replaying a recorded history must be
 * the one the history recorded, in the same order: a change that would hand a running workflow's
 * recorded results to the wrong call fails here.
 */
/**
 * Where a history was recorded by earlier code whose commands carried something else (the server took
 * them, since it does not compare that): what today's code asks for at those points instead. Nothing
 * else may differ.
 */
const RECORDED_BEFORE: Record<string, { why: string; now: (recorded: LoggedCommand[]) => LoggedCommand[] }> =
  {
    'agency-obligations-returned-accepted': {
      why:
        'submit set the stage only once the submission was recorded, so the woken loop first waited for its ' +
        'next ladder event; now the stage is set at once and the loop waits for the review until the cycle closes',
      now: (recorded) =>
        recorded.map((c) =>
          c.kind !== 'timer'
            ? c
            : { ...c, ms: { 158399993: 5054339993, 71999995: 4881539995 }[c.ms] ?? c.ms },
        ),
    },
    'annual-cycle-inspection-plan-email': {
      why: 'the proposal email did not yet say how many visits were chosen by risk and how many by sample',
      now: (recorded) =>
        recorded.map((c) =>
          c.kind === 'activity' && c.type === 'notifyInspectionPlanProposed'
            ? { ...c, args: [{ ...(c.args[0] as object), byRisk: 8, bySample: 4 }] }
            : c,
        ),
    },
  };

describe('commands of recorded histories', () => {
  const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json') && f !== 'workflow-ids.json');
  const workflowIds = recordedWorkflowIds();

  /** The commands the history recorded (as events), in the shape the interceptor logs them. */
  function recordedCommands(history: RawHistory): LoggedCommand[] {
    const commands: LoggedCommand[] = [];
    for (const e of history.events) {
      if (e.activityTaskScheduledEventAttributes) {
        const a = e.activityTaskScheduledEventAttributes;
        commands.push({
          kind: 'activity',
          type: a.activityType.name,
          args: decode(a.input?.payloads),
        });
      } else if (e.timerStartedEventAttributes) {
        const seconds = e.timerStartedEventAttributes.startToFireTimeout.replace(/s$/, '');
        commands.push({ kind: 'timer', ms: Math.round(Number(seconds) * 1000) });
      } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
        const c = e.startChildWorkflowExecutionInitiatedEventAttributes;
        commands.push({
          kind: 'child',
          type: c.workflowType.name,
          workflowId: c.workflowId,
          args: decode(c.input?.payloads),
        });
      }
    }
    return commands;
  }

  it.each(files)('%s: the same activities, timers and children, with the same arguments', async (file) => {
    const raw = readFileSync(join(HISTORIES_DIR, file), 'utf8');
    const name = file.replace(/\.json$/, '');
    const logged: LoggedCommand[] = [];
    const history = JSON.parse(raw) as RawHistory;
    const ownQueue = history.events[0]!.workflowExecutionStartedEventAttributes!.taskQueue.name;
    await Worker.runReplayHistory(
      {
        workflowsPath: require.resolve('../../src/workflows'),
        interceptors: { workflowModules: [require.resolve('../support/command-log-interceptor')] },
        sinks: {
          commandLog: {
            record: {
              // The replay worker runs on a queue of its own: the code passes it on where it passed its own.
              fn: (info, command) => {
                logged.push(
                  JSON.parse(JSON.stringify(command).split(info.taskQueue).join(ownQueue)) as LoggedCommand,
                );
              },
              callDuringReplay: true,
            },
          },
        } satisfies InjectedSinks<CommandLogSinks>,
      },
      JSON.parse(raw) as temporal.api.history.v1.IHistory,
      workflowIds[name] ?? name,
    );
    const recorded = recordedCommands(history);
    const known = RECORDED_BEFORE[name];
    expect(recorded.length).toBeGreaterThan(0);
    if (known) {
      expect(logged).not.toEqual(recorded);
      expect(logged).toEqual(known.now(recorded));
      return;
    }
    expect(logged).toEqual(recorded);
  });
});

interface RawPayload {
  metadata?: Record<string, string>;
  data?: string;
}

interface RawHistory {
  events: {
    workflowExecutionStartedEventAttributes?: { taskQueue: { name: string } };
    activityTaskScheduledEventAttributes?: {
      activityType: { name: string };
      input?: { payloads?: RawPayload[] };
    };
    timerStartedEventAttributes?: { startToFireTimeout: string };
    startChildWorkflowExecutionInitiatedEventAttributes?: {
      workflowType: { name: string };
      workflowId: string;
      input?: { payloads?: RawPayload[] };
    };
  }[];
}

/** JSON payloads (the default converter's encoding) as values; the one binary-null encoding as null. */
function decode(payloads: RawPayload[] = []): unknown[] {
  return payloads.map((p) => {
    const encoding = Buffer.from(p.metadata?.encoding ?? '', 'base64').toString();
    if (encoding === 'binary/null') return undefined;
    if (encoding !== 'json/plain') throw new Error(`unexpected payload encoding ${encoding}`);
    return JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8')) as unknown;
  });
}
