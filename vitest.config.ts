import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos` (VITEST_SUITE=chaos) runs the chaos suite alone: it spawns a cluster of
 * processes and checks recovery times, so it gets the machine to itself rather than sharing
 * it with the other suites.
 */
const chaos = process.env.VITEST_SUITE === 'chaos';

export default defineConfig({
  test: {
    include: chaos
      ? ['test/chaos/**/*.test.ts']
      : ['test/**/*.test.ts', 'core/**/*.test.ts', 'cli/**/*.test.ts', 'plugins/**/*.test.ts', 'examples/**/*.test.ts', 'clients/typescript/test/**/*.test.ts'],
    exclude: chaos ? configDefaults.exclude : [...configDefaults.exclude, 'test/chaos/**'],
    setupFiles: ['test/helpers/setup.ts'],
    pool: 'forks',
    // Two cores: more parallel files only add contention for Redis/MariaDB-backed suites.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
