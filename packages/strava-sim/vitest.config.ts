import { defineConfig } from 'vitest/config';

// `npm test` here runs the simulator's own tests; the repository root's vitest config runs them too.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
