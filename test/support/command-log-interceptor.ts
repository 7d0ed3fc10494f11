// A workflow interceptor for replay tests: reports every activity (not its task queue: histories recorded
// before emails had a queue of their own have them on the workflow's), timer and child workflow the
// workflow code asks for, with its arguments, to the `commandLog` sink (called during replay too), so a
// test can compare them with the commands the recorded history holds. Workflow code: bundled with the
// workflows of the replay worker only.
import {
  proxySinks,
  type ActivityInput,
  type Next,
  type Sinks,
  type StartChildWorkflowExecutionInput,
  type TimerInput,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

export type LoggedCommand =
  | { kind: 'activity'; type: string; args: unknown[] }
  | { kind: 'timer'; ms: number }
  | { kind: 'child'; type: string; workflowId?: string; args: unknown[] };

export interface CommandLogSinks extends Sinks {
  commandLog: { record(command: LoggedCommand): void };
}

const { commandLog } = proxySinks<CommandLogSinks>();

class CommandLog implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    commandLog.record({
      kind: 'activity',
      type: input.activityType,
      args: input.args,
    });
    return next(input);
  }

  startTimer(input: TimerInput, next: Next<WorkflowOutboundCallsInterceptor, 'startTimer'>) {
    commandLog.record({ kind: 'timer', ms: input.durationMs });
    return next(input);
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ) {
    commandLog.record({
      kind: 'child',
      type: input.workflowType,
      workflowId: input.options.workflowId,
      args: input.options.args ?? [],
    });
    return next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({ outbound: [new CommandLog()] });
