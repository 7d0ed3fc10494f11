import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * With RECORD_HISTORIES=1, saves a finished workflow's history to test/histories/<name>.json for the
 * replay test. Commit the file with the workflow version it was recorded against; never re-record an
 * existing one to make a replay failure go away.
 */
export async function recordHistory(
  env: TestWorkflowEnvironment,
  workflowId: string,
  name: string,
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(join(__dirname, '../histories', `${name}.json`), historyToJSON(history) + '\n');
}
