import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** Run in a child Node process: the ESM config (eslint.config.mjs) loads there as it does for `npx eslint`. */
const LINT_ALL = `
const { ESLint } = require('eslint');
const { join } = require('node:path');
const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { code, file } of cases) {
    const [report] = await eslint.lintText(code, { filePath: join(process.cwd(), file) });
    out.push(report.messages.map((m) => m.ruleId + ': ' + m.message).join('\\n'));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(2); });
`;

/**
 * Lints each `code` as if it were the file `file` (relative to the project), through the project's real
 * ESLint configuration, in one ESLint process: per case, one `rule: message` line per problem, '' for none.
 */
export function lintAs(cases: readonly { code: string; file: string }[]): string[] {
  const result = spawnSync(process.execPath, ['-e', LINT_ALL], {
    input: JSON.stringify(cases),
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`eslint failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}
