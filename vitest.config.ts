import { defineConfig } from 'vitest/config';

// Two cores: run test files in two forked workers. Each file isolates itself
// (its own freshly created and migrated database, test/helpers/db.ts, and its
// own queue prefix), so files
// never share state and can run in any order.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
