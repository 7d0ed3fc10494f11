const os = require('node:os');

// The project runs on Node 24 (package.json engines); scripts/test and every script put it first on PATH.
// Stop here, with the way out, rather than later on a native module or API of another Node.
const wantedMajor = Number(/\d+/.exec(require('./package.json').engines.node)[0]);
if (Number(process.versions.node.split('.')[0]) !== wantedMajor) {
  throw new Error(
    `jest is running on Node ${process.version}; phoihop needs Node ${wantedMajor}: run scripts/test [files], ` +
      'or `source scripts/node-env.sh` first (scripts/setup installs it when the machine has another)',
  );
}

// A loaded machine runs the same tests slower, not wrongly: the per-test limit (120 s on an idle machine)
// is multiplied by the load per core when jest starts, as a process then gets about 1/load of a core.
// PHOIHOP_TEST_TIMEOUT_MS sets it outright.
const loadPerCore = os.loadavg()[0] / os.cpus().length;
const testTimeout =
  Number(process.env.PHOIHOP_TEST_TIMEOUT_MS) || 120000 * Math.max(1, Math.ceil(loadPerCore));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Temporal's native runtime is shared per process: run test files one at a time (see TEMPORAL-NOTES).
  maxWorkers: 1,
  testTimeout,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
