import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { createLogger } from '../shared/logger.js';

/**
 * The frame of a one-shot operator command: load the config, open this environment's database
 * (Postgres, or the embedded one under DATA_DIR) and migrate it, run `work`, close, and exit with
 * `work`'s code. A failure prints one clear line (`<what> failed: …`, or the config problem) and
 * exits 1; never a secret, since config errors name variables, not values.
 */
export async function runWithMigratedDatabase(
  what: string,
  work: (context: { config: Config; database: Database }) => Promise<number>,
): Promise<never> {
  let database: Database | undefined;
  let code = 0;
  try {
    const config = loadConfig();
    const logger = createLogger({ level: 'warn', destination: process.stderr });
    database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    await migrateDatabase(database);
    code = await work({ config, database });
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? err.message
        : `${what} failed: ${err instanceof Error ? err.message : err}`,
    );
    code = 1;
  } finally {
    await database?.close().catch(() => undefined);
  }
  process.exit(code);
}
