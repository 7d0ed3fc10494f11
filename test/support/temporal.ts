import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { allSearchAttributes } from '../../src/workflows/search-attributes';
import { temporalCliPath, testServerPath } from './tools';

/** Keeps test output readable: the SDK logs every worker state change at INFO. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process (an earlier test file): keep it.
  }
}

/**
 * Time-skipping server (Java test server from Maven Central, through our wrapper script), with the
 * project's search attributes registered through the operator service (it has no start-up flag for them).
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  const searchAttributes = Object.fromEntries(
    allSearchAttributes.map((key) => [
      key.name,
      temporal.api.enums.v1.IndexedValueType[
        `INDEXED_VALUE_TYPE_${key.type}` as keyof typeof temporal.api.enums.v1.IndexedValueType
      ],
    ]),
  );
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes,
  });
  return env;
}

/** Full dev server (Temporal CLI built by scripts/setup) with the project's search attributes. */
export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      searchAttributes: allSearchAttributes,
    },
  });
}
