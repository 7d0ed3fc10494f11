import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'src/generated/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
);
