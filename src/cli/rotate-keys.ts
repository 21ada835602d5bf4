/**
 * `npm run keys:rotate`: re-encrypts every stored Strava token under the
 * current TOKEN_ENCRYPTION_KEY. Put the previous key(s) in
 * TOKEN_ENCRYPTION_KEYS_OLD (comma-separated base64) while rotating; once this
 * reports no failures they can be removed. Exit code 1 on any failure, with one
 * clear line and never a key or token in the output.
 */

import { ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { rotateTokenKeys } from '../integrations/strava/rotate-token-keys.js';
import { systemClock } from '../shared/clock.js';
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
    const report = await rotateTokenKeys({ db: database.db, config, clock: systemClock });
    printLine(`Rotated ${report.rotated} token row(s) to key id ${config.tokenKeyId}.`);
    if (report.failed.length > 0) {
      console.error(
        `${report.failed.length} row(s) could not be decrypted with the current key or TOKEN_ENCRYPTION_KEYS_OLD ` +
          `(runner ids: ${report.failed.join(', ')}). Add the key they were written with and run again.`,
      );
      code = 1;
    }
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? err.message
        : `key rotation failed: ${err instanceof Error ? err.message : err}`,
    );
    code = 1;
  } finally {
    await database?.close().catch(() => undefined);
  }
  process.exit(code);
}

void main();
