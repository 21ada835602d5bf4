/**
 * `npm run demo [-- --port 3000] [--data-dir DIR] [--exit]`: the guided sandbox tour
 * (src/cli/demo/run-demo.ts). Runs until Ctrl-C, then shuts down in order;
 * with --exit it stops as soon as the tour is over.
 */
import { DemoUsageError, runDemo } from './demo/run-demo.js';

runDemo({ argv: process.argv.slice(2), env: process.env, out: process.stdout, progress: process.stderr })
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(
      err instanceof DemoUsageError
        ? err.message
        : `demo failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(err instanceof DemoUsageError ? 2 : 1);
  });
