import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Database } from '../../src/db/client';
import type { Mailer } from '../../src/mail/mailer';
import type { LinkConfig } from '../../src/config/links';
import { createWorker, type PhoihopWorker } from '../../src/temporal/create-worker';

export const TEST_FROM = 'Sở VHTTDL Điện Biên <vanthu@sovhttdl.dienbien.example>';
export const TEST_LINKS = { publicUrl: 'https://phoihop.dienbien.example', secret: 'k'.repeat(64) };

export interface TestWorkerOptions {
  taskQueue: string;
  db: Database;
  mailer: Mailer;
  /** A pre-built workflow bundle (faster when a file creates several workers). */
  bundle?: WorkflowBundleWithSourceMap;
  from?: string;
  maxEmailsPerSecond?: number;
  /** Where consolidated reports are stored (default: a shared folder under the OS temp dir). */
  filesRoot?: string;
  /** Workflows the worker keeps cached (0: none, and no sticky queue); default the SDK's. */
  maxCachedWorkflows?: number;
  /** Link keys the activities sign with (default TEST_LINKS). */
  links?: LinkConfig;
}

/** Reports written by cycles that end in tests: content-addressed, so a shared folder stays small. */
export const TEST_FILES_ROOT = join(tmpdir(), 'phoihop-test-files');

/** A worker with the project's real workflows and activities, on a test environment's server. */
export function testWorker(env: TestWorkflowEnvironment, options: TestWorkerOptions): Promise<PhoihopWorker> {
  return createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.bundle,
    // Tests send far faster than a relay would take, unless a test is about the limit.
    maxEmailsPerSecond: options.maxEmailsPerSecond ?? 1000,
    maxCachedWorkflows: options.maxCachedWorkflows,
    deps: {
      db: options.db,
      mailer: options.mailer,
      from: options.from ?? TEST_FROM,
      links: options.links ?? TEST_LINKS,
      filesRoot: options.filesRoot ?? TEST_FILES_ROOT,
    },
  });
}

/** testWorker, running in the background until `stop()`. */
export async function runningWorker(
  env: TestWorkflowEnvironment,
  options: TestWorkerOptions,
): Promise<{ stop(): Promise<void> }> {
  const worker = await testWorker(env, options);
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
