/**
 * `npm run keys:rotate`: re-encrypts every stored Strava token under the
 * current TOKEN_ENCRYPTION_KEY. Put the previous key(s) in
 * TOKEN_ENCRYPTION_KEYS_OLD (comma-separated base64) while rotating; once this
 * reports no failures they can be removed. Exit code 1 on any failure, with one
 * clear line and never a key or token in the output.
 */

import { rotateTokenKeys } from '../integrations/strava/rotate-token-keys.js';
import { systemClock } from '../shared/clock.js';
import { printLine } from './print-line.js';
import { runWithMigratedDatabase } from './with-migrated-database.js';

void runWithMigratedDatabase('key rotation', async ({ config, database }) => {
  const report = await rotateTokenKeys({ db: database.db, config, clock: systemClock });
  printLine(`Rotated ${report.rotated} token row(s) to key id ${config.tokenKeyId}.`);
  if (report.failed.length === 0) return 0;
  console.error(
    `${report.failed.length} row(s) could not be decrypted with the current key or TOKEN_ENCRYPTION_KEYS_OLD ` +
      `(runner ids: ${report.failed.join(', ')}). Add the key they were written with and run again.`,
  );
  return 1;
});
