import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'src/generated/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Layers. cli/ and web/ sit on top (cli/ also runs demo/); demo/ sits above everything else; activities/,
  // workflows/, schedule/ and every other folder, like the worker, import nothing from those three: code
  // they share lives below (cycle/, directory/, programs/, links/, config/). typescript-eslint's variant of
  // no-restricted-imports, so that its options do not replace the workflows' own list below (a rule
  // configured twice for one file keeps the last options only). Relative specifiers climbing into the
  // folder are what it matches: src/ has no other folder with these names.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/web/**', 'src/demo/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.{1,2}/)+(cli|web|demo)(/|$)',
              message:
                'Only cli/, web/ and demo/ may import from cli/, web/ or demo/: move the shared code below them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/demo/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.{1,2}/)+(cli|web)(/|$)',
              message: 'The demo runs under the CLI: it may not import from cli/ or web/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/web/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.{1,2}/)+(cli|demo)(/|$)',
              message: 'The web server may not import from cli/ or demo/: move the shared code below them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      // Workflow code must stay deterministic: no Node built-ins or I/O libraries.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https'],
              message: 'Workflow code must not import Node modules.',
            },
            {
              group: [
                'nodemailer',
                '@prisma/*',
                'pg',
                'better-sqlite3',
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
              ],
              message: 'Workflow code must not do I/O.',
            },
            {
              group: ['**/activities/*', '!**/activities'],
              message: 'Import activity types only through proxyActivities<typeof activities>.',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow messages are called through their typed definitions (src/workflows/messages/*), and
    // workflows started by their functions, never by name: a name in a string is not checked against the workflow, and its result comes back untyped. The
    // rule looks at the first argument of the Temporal client's message calls; the pg client's `query` has
    // the same name, so SQL goes in a named constant or a `{ text, values }` query config.
    files: ['**/*.ts'],
    ignores: ['src/workflows/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal', 'TemplateLiteral'].map((type) => ({
          selector: `CallExpression[callee.property.name=/^(executeUpdate|startUpdate|executeUpdateWithStart|query|signal|signalWithStart)$/][arguments.0.type='${type}']`,
          message:
            'Call a workflow message through its definition in src/workflows/messages, not by name (SQL: use a named constant or { text, values }).',
        })),
        // Workflows likewise: started by their function (`client.workflow.start(annualCycle, …)`), so that
        // the arguments and the result are typed; a schedule's action names the function's `.name`.
        ...['Literal', 'TemplateLiteral'].map((type) => ({
          selector: `CallExpression[callee.object.property.name='workflow'][callee.property.name=/^(start|execute|signalWithStart)$/][arguments.0.type='${type}']`,
          message: 'Start a workflow by its function (imported from src/workflows), not by its type name.',
        })),
        {
          selector: "Property[key.name='workflowType'][value.type=/^(Literal|TemplateLiteral)$/]",
          message: "Name a schedule's workflow by its function's `.name` (e.g. `scheduledCycleStart.name`).",
        },
      ],
    },
  },
);
