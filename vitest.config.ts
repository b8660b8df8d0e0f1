import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Suites that load the machine on their own run apart, one file at a time, after the others
 * (`npm run test:isolated`, VITEST_SUITE=isolated): the chaos suite spawns a cluster of
 * processes and times its recovery, the fuzz suites and the Redis Sentinel and Cluster
 * suites keep both cores busy. Sharing the machine would make their timings, and those of the
 * suites next to them, depend on what else runs. `npm run test:chaos` runs the chaos suite alone.
 */
const ISOLATED = [
  'test/chaos/**/*.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/integration/queue-redis-sentinel.test.ts',
  'test/integration/queue-redis-cluster.test.ts',
];
const suite = process.env.VITEST_SUITE;
const apart = suite === 'isolated' || suite === 'chaos';

export default defineConfig({
  test: {
    // Unit tests sit beside the file they test; test/ holds the contract, integration and e2e suites.
    include:
      suite === 'chaos'
        ? ['test/chaos/**/*.test.ts']
        : suite === 'isolated'
          ? ISOLATED
          : [
              'test/**/*.test.ts',
              'core/**/*.test.ts',
              'cli/**/*.test.ts',
              'plugins/**/*.test.ts',
              'lib/**/*.test.ts',
              'bench/**/*.test.ts',
              '.ci/*.test.ts',
              'examples/**/*.test.ts',
              'clients/typescript/test/**/*.test.ts',
            ],
    exclude: apart ? configDefaults.exclude : [...configDefaults.exclude, ...ISOLATED],
    fileParallelism: !apart,
    setupFiles: ['test/helpers/setup.ts'],
    pool: 'forks',
    // Two cores: more parallel files only add contention for Redis/MariaDB-backed suites.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
