import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJSON(history) + '\n');
  const ids = recordedWorkflowIds();
  ids[name] = workflowId;
  const sorted = Object.fromEntries(Object.entries(ids).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(WORKFLOW_IDS_FILE, JSON.stringify(sorted, null, 2) + '\n');
}

export const HISTORIES_DIR = join(__dirname, '../histories');
const WORKFLOW_IDS_FILE = join(HISTORIES_DIR, 'workflow-ids.json');

/**
 * The workflow ID each history was recorded under (workflows that derive IDs from their own, like the
 * cycle naming its batches, replay only under the same ID).
 */
export function recordedWorkflowIds(): Record<string, string> {
  if (!existsSync(WORKFLOW_IDS_FILE)) return {};
  return JSON.parse(readFileSync(WORKFLOW_IDS_FILE, 'utf8')) as Record<string, string>;
}
