import { lintAs } from '../support/eslint';

const RULE = '@typescript-eslint/no-restricted-imports';

/** A module importing `specifier`. */
const importing = (specifier: string) => `import { y } from '${specifier}';\nexport const x = y;\n`;

const REJECTED: [specifier: string, file: string][] = [
  ['../cli/cycle-commands', 'src/activities/x.ts'],
  ['../web/dashboard/inspection-plan', 'src/activities/x.ts'],
  ['../demo/agencies', 'src/activities/x.ts'],
  ['../cli/main', 'src/workflows/x.ts'],
  ['../web/i18n', 'src/workflows/x.ts'],
  ['../demo/run-demo', 'src/workflows/x.ts'],
  ['../cli/usage-error', 'src/schedule/x.ts'],
  ['../web/server', 'src/cycle/x.ts'],
  ['../../cli/cycle-plan', 'src/reports/consolidated/x.ts'],
  ['./demo/run-demo', 'src/worker.ts'],
  ['../cli/cycle-commands', 'src/demo/x.ts'],
  ['../web/server', 'src/demo/x.ts'],
  ['../../cli/cycle-commands', 'src/web/dashboard/x.ts'],
  ['../demo/agencies', 'src/web/x.ts'],
];

const ALLOWED: [specifier: string, file: string][] = [
  ['../demo/run-demo', 'src/cli/x.ts'],
  ['../web/server', 'src/cli/x.ts'],
  ['../cycle/start', 'src/activities/x.ts'],
  ['../db/cli', 'src/activities/x.ts'],
  ['../links/dashboard-paths', 'src/activities/x.ts'],
  ['../cycle/start', 'src/demo/x.ts'],
  ['./agencies', 'src/demo/x.ts'],
  ['../../links/dashboard-paths', 'src/web/dashboard/x.ts'],
  ['./server', 'src/web/x.ts'],
];

const TYPE_ONLY = {
  code: "import type { Y } from '../web/i18n';\nexport type X = Y;\n",
  file: 'src/workflows/x.ts',
};
const NODE_IN_WORKFLOW = { code: importing('node:fs'), file: 'src/workflows/x.ts' };

/** The layer rule: cli/ and web/ on top, demo/ under the CLI, everything else below all three. */
describe('layer lint rule', () => {
  let results: string[];
  const result = (i: number) => results[i]!;

  beforeAll(() => {
    results = lintAs([
      ...REJECTED.map(([specifier, file]) => ({ code: importing(specifier), file })),
      ...ALLOWED.map(([specifier, file]) => ({ code: importing(specifier), file })),
      TYPE_ONLY,
      NODE_IN_WORKFLOW,
    ]);
  });

  it.each(REJECTED.map((c, i) => [...c, i] as const))('rejects %s in %s', (_specifier, _file, i) => {
    expect(result(i)).toContain(RULE);
  });

  it.each(ALLOWED.map((c, i) => [...c, REJECTED.length + i] as const))('allows %s in %s', (_s, _f, i) => {
    expect(result(i)).toBe('');
  });

  it('rejects a type-only import across the layers too', () => {
    expect(result(REJECTED.length + ALLOWED.length)).toContain(RULE);
  });

  it("keeps the workflows' determinism rule alongside it", () => {
    const output = result(REJECTED.length + ALLOWED.length + 1);
    expect(output).toContain('no-restricted-imports');
    expect(output).toContain('Node modules');
  });
});
