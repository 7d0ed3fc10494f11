import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './tools';

/** How a `bin/phoihop` run ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bin/phoihop <args>` as people do (a separate process, from the project root) with the test's
 * environment added to this process's; never rejects: the exit code is in the result.
 */
export function runPhoihop(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      join(projectRoot, 'bin/phoihop'),
      args,
      { cwd: projectRoot, timeout: options.timeoutMs ?? 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? ''); // never leave a prompt waiting for a terminal
  });
}
