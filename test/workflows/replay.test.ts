import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { HISTORIES_DIR, recordedWorkflowIds } from '../support/histories';

/**
 * Every recorded history in test/histories replays against today's workflow code without a
 * non-determinism error: a change that would break running workflows fails here, and must use
 * patched() (or worker versioning) instead. Record new ones with RECORD_HISTORIES=1 (see docs/testing.md).
 */
describe('replay of recorded histories', () => {
  const dir = HISTORIES_DIR;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'workflow-ids.json');
  const workflowIds = recordedWorkflowIds();

  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = JSON.parse(readFileSync(join(dir, file), 'utf8')) as temporal.api.history.v1.IHistory;
    const name = file.replace(/\.json$/, '');
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../src/workflows') },
      history,
      workflowIds[name] ?? name,
    );
  });
});
