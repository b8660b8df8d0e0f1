import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests sit beside the file they test; test/ holds the contract, integration and e2e suites.
    include: [
      'test/**/*.test.ts',
      'core/**/*.test.ts',
      'cli/**/*.test.ts',
      'plugins/**/*.test.ts',
      'bench/**/*.test.ts',
      '.ci/*.test.ts',
      'examples/**/*.test.ts',
      'clients/typescript/test/**/*.test.ts',
    ],
    setupFiles: ['test/helpers/setup.ts'],
    pool: 'forks',
    // Two cores: more parallel files only add contention for Redis/MariaDB-backed suites.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
