import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** Lints `code` as if it were the file `file`, through the project's real ESLint configuration. */
function lint(code: string, file: string): string {
  const result = spawnSync(
    join(root, 'node_modules/.bin/eslint'),
    ['--stdin', '--stdin-filename', join(root, file), '--format', 'json'],
    { input: code, cwd: root, encoding: 'utf8' },
  );
  if (result.status === 2) throw new Error(`eslint failed: ${result.stderr}`);
  const [report] = JSON.parse(result.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return report!.messages.map((m) => `${m.ruleId}: ${m.message}`).join('\n');
}

/** The lint rule that keeps workflow code deterministic really fires (and only in src/workflows). */
describe('workflow determinism lint rule', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'Node modules'],
    ["import nodemailer from 'nodemailer';", 'I/O'],
    ["import { PrismaClient } from '@prisma/client';", 'I/O'],
    ["import { createActivities } from '../activities/index';", 'proxyActivities'],
  ])('rejects %s in workflow code', (line, reason) => {
    const output = lint(`${line}\nexport const x = 1;\n`, 'src/workflows/example.ts');
    expect(output).toContain('no-restricted-imports');
    expect(output).toContain(reason);
  });

  it('allows the same import outside workflow code, and SDK imports inside it', () => {
    expect(
      lint(
        "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
        'src/activities/x.ts',
      ),
    ).toBe('');
    expect(
      lint("import { sleep } from '@temporalio/workflow';\nexport const x = sleep;\n", 'src/workflows/x.ts'),
    ).toBe('');
  });
});
