/**
 * `npm run db:migrate`: applies the migrations in `migrations/` to DATABASE_URL
 * (or the embedded database under DATA_DIR) and exits. Every start does the
 * same (docs/data.md), so this is for deployments that migrate before rolling
 * out new processes. Safe to run beside running processes: Postgres migrations
 * take an advisory lock. Exit code 1 with one clear line on failure.
 */

import { printLine } from './print-line.js';
import { runWithMigratedDatabase } from './with-migrated-database.js';

void runWithMigratedDatabase('migration', async ({ database }) => {
  printLine(`Migrations applied to the ${database.kind === 'pglite' ? 'embedded' : 'Postgres'} database.`);
  return 0;
});
