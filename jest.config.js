// Jest runs the TypeScript tests as ES modules (the @actions/* packages are ESM-only, and the sources
// use import.meta), so it needs `node --experimental-vm-modules`: run it through `npm test`, which
// also rebuilds a stale dist/ first. This config is the Node-only suite, or the Debian one when
// scripts/run-tests.js sets PERFGATE_TEST_SUITE=debian (`npm run test:debian`).
const debian = process.env.PERFGATE_TEST_SUITE === 'debian';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  testMatch: [debian ? '<rootDir>/__tests__/debian/**/*.test.ts' : '<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: debian ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/__tests__/debian/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/lib/'],
  extensionsToTreatAsEsm: ['.ts'],
  // The sources import each other as `./x.js` (NodeNext); jest resolves that to x.ts.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Deep equality across jest's realm and Node's (see scripts/jest/assert-strict.js).
    '^node:assert/strict$': '<rootDir>/scripts/jest/assert-strict.js',
  },
  setupFiles: ['<rootDir>/scripts/jest/realm.js'],
  transform: {
    // @swc/jest over ts-jest: ~30× less CPU per file (README, Developing); types are checked once by
    // `npm run typecheck`. It emits ES modules when jest loads them as such.
    '^.+\\.ts$': [
      '<rootDir>/scripts/jest/transform.cjs',
      { transformer: '@swc/jest', options: { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, sourceMaps: 'inline' } },
    ],
    // The packages get only the built-in bindings (see transform.cjs): the load generator runs in
    // the test's context, and its own speed is part of the latencies the tests check.
    '/node_modules/.+\\.[cm]?js$': ['<rootDir>/scripts/jest/transform.cjs', {}],
  },
  transformIgnorePatterns: [],
  // node:test had no per-test limit; the slowest tests here (embedded PostgreSQL, real load rounds,
  // the action end to end) take tens of seconds on a busy 2-core machine.
  testTimeout: 180_000,
  globalSetup: '<rootDir>/scripts/jest/global-setup.js',
  globalTeardown: '<rootDir>/scripts/jest/global-teardown.js',
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
};
