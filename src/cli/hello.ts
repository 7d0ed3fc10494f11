import type { Client } from '@temporalio/client';
import type { HelloInput, HelloResult } from '../workflows';
import { workflowUiUrl, type TemporalConfig } from '../config/temporal';

/** Starts the hello workflow and waits for its result (the foundation's main job). */
export async function runHello(
  client: Client,
  config: TemporalConfig,
  input: HelloInput,
  workflowId: string,
): Promise<HelloResult & { workflowId: string; uiUrl: string }> {
  const handle = await client.workflow.start('hello', {
    taskQueue: config.taskQueue,
    workflowId,
    args: [input],
    workflowExecutionTimeout: '10m',
  });
  const result = (await handle.result()) as HelloResult;
  return { ...result, workflowId, uiUrl: workflowUiUrl(config, workflowId) };
}
