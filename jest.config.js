// Two tiers: unit specs beside the code, integration tests in test/ against real
// databases and fake peers. The PostgreSQL-only files (*.pg.test.ts) need a server and
// run in the server-mode suite (`npm run test:server`), which .ci/run always runs.
const serverMode = process.env.REPLYWATCH_TEST_BACKEND === 'postgres';
const transform = { '^.+\\.ts$': ['@swc/jest'], '/@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/require-builtins-transform.js' };
// node_modules stay untransformed, but for PGlite's CommonJS build: its `import("fs")` of Node's
// own modules become requires, so the suite runs without --experimental-vm-modules. With that
// flag each worker kept most finished files' module graphs (Node holds on to the dynamic-import
// hook jest gives every module), and the growing heap made every later file slower.
const transformIgnorePatterns = ['/node_modules/(?!@electric-sql/pglite/dist/)'];
// Connectors import the SDK by its public name, as a plugin would; in tests that is the source.
const moduleNameMapper = { '^replywatch/(sdk|testing)$': '<rootDir>/src/plugins/$1' };

module.exports = {
  // First open of an embedded database takes a few seconds; no test waits on real minutes.
  testTimeout: 60000,
  // One more file at a time than there are cores: a file waiting on a socket, timer or child
  // process leaves its core to the others. With each folder's suites in one file (see
  // test/support/suites.ts) every file keeps a core busy for longer, and on two cores a fourth
  // file mostly added contention: four took 545-556 s of CPU for 295-307 s, three 483-511 s of
  // CPU for 286-297 s (2026-12-03). The server suite takes three at most on any machine: there
  // PostgreSQL shares the cores.
  maxWorkers: Math.min(require('node:os').availableParallelism() + 1, serverMode ? 3 : 4),
  // A worker keeps what every file it ran left behind (embedded databases, Nest modules);
  // past this it is replaced, before the garbage collector's work slows every later file.
  workerIdleMemoryLimit: '800MB',
  // Per run: the "never write into a customer chat" check over every Bot API call, and the
  // migrated embedded database each test database starts as a copy of.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // A line per finished file with the run's progress, then jest's totals and failures in full.
  reporters: ['<rootDir>/test/support/progress-reporter.js', ['summary', { summaryThreshold: 0 }]],
  // Most test folders run as one file, `suites.test.ts`, that imports the `*.suite.ts` beside it
  // (test/support/suites.ts says why); on a run without earlier timings this orders such a file
  // by what it loads, so the longest still start first.
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Packing the hub, installing plugin packages and the embedded data directory do not
      // depend on the server backend: those run once, in the embedded suite.
      testPathIgnorePatterns: serverMode
        ? ['/node_modules/', '/test/e2e/(plugin-scaffold|example-plugins)\\.test\\.ts$', '/test/integration/persistence/data-dir\\.test\\.ts$']
        : ['/node_modules/', '\\.pg\\.test\\.ts$'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
    },
  ],
};
