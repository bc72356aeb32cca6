/**
 * One jest run over every package: TypeScript is compiled by swc into ES modules (the
 * packages are ESM), so jest runs with --experimental-vm-modules (see package.json).
 * Type checking is `tsc -b`, which `npm test` runs first.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const project = (name, extra = {}) => ({
  displayName: name,
  rootDir: `<rootDir>/${name}`,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@nebulahex/shared$': '<rootDir>/../shared/src/index.ts',
    // The connector's package exports its Zapier bundle (connector/bundle, made by its build);
    // tests run its source, as they run shared's.
    '^@nebulahex/zapier$': '<rootDir>/../connector/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  ...extra,
});

export default {
  projects: [project('shared'), project('server'), project('connector'), project('test')],
  globalSetup: '<rootDir>/scripts/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/scripts/jest-global-teardown.mjs',
  testTimeout: 30_000,
  // Always run test files in worker processes, even on a 2-core machine where jest would
  // otherwise run everything in its own process: a worker's leftovers (keep-alive sockets,
  // Agenda's timers) end with the worker instead of keeping the run from exiting.
  maxWorkers: 2,
};
