/**
 * `npm run db:migrate`: applies the migrations in `migrations/` to DATABASE_URL
 * (or the embedded database under DATA_DIR) and exits. Every start does the
 * same (docs/data.md), so this is for deployments that migrate before rolling
 * out new processes. Safe to run beside running processes: Postgres migrations
 * take an advisory lock. Exit code 1 with one clear line on failure.
 */

import { ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { createLogger } from '../shared/logger.js';
import { printLine } from './print-line.js';

async function main(): Promise<void> {
  let database: Database | undefined;
  let code = 0;
  try {
    const config = loadConfig();
    const logger = createLogger({ level: 'warn', destination: process.stderr });
    database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    await migrateDatabase(database);
    printLine(`Migrations applied to the ${database.kind === 'pglite' ? 'embedded' : 'Postgres'} database.`);
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? err.message
        : `migration failed: ${err instanceof Error ? err.message : err}`,
    );
    code = 1;
  } finally {
    await database?.close().catch(() => undefined);
  }
  process.exit(code);
}

void main();
