import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Paths of the servers that scripts/setup builds or fetches into the project-local tools folder. */
export const projectRoot = resolve(__dirname, '../..');
const tools = process.env.PHOIHOP_TOOLS ?? join(projectRoot, '.tools');

function tool(envVar: string, path: string, what: string): string {
  const chosen = process.env[envVar] || path;
  if (!existsSync(chosen)) {
    throw new Error(
      `${what} not found at ${chosen}: run \`scripts/setup\` (or set ${envVar}) before the tests`,
    );
  }
  return chosen;
}

export const temporalCliPath = () => tool('TEMPORAL_CLI', join(tools, 'bin/temporal'), 'Temporal CLI');
export const testServerPath = () =>
  tool(
    'TEMPORAL_TEST_SERVER',
    join(tools, 'temporal-test-server/temporal-test-server'),
    'Temporal test server',
  );
export const mailpitPath = () => tool('MAILPIT', join(tools, 'bin/mailpit'), 'Mailpit');
