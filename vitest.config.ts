import { defineConfig } from 'vitest/config';

// Two cores: run test files in two forked workers. Each file isolates itself
// (its own freshly created and migrated database, test/helpers/db.ts, and its
// own queue prefix), so files
// never share state and can run in any order.
export default defineConfig({
  // Workspace packages (packages/*) from their sources, through tsconfig.json's paths.
  resolve: { tsconfigPaths: true },
  test: {
    // The service's tests and every workspace package's own (packages/strava-sim/test).
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
