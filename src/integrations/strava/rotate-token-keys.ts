import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import {
  loadRevocationIdsNotUnderKey,
  lockRevocation,
  updateRevocationGrant,
} from '../../db/repositories/revocations.js';
import {
  loadGrantRunnerIdsNotUnderKey,
  lockGrantCiphertexts,
  updateGrantCiphertexts,
} from '../../db/repositories/strava-grants.js';
import type { Clock } from '../../shared/clock.js';
import {
  currentTokenKey,
  decryptToken,
  encryptToken,
  keyringFromConfig,
  TokenDecryptError,
} from '../../shared/crypto.js';

export type RotationReport = {
  /** Rows re-encrypted under the current key. */
  rotated: number;
  /** Rows that could not be decrypted with any key given (runner ids, or `revocation <id>`; not secret). */
  failed: string[];
};

/**
 * Re-encrypts every token row not yet under the current TOKEN_ENCRYPTION_KEY
 * (docs/data.md#token-encryption), reading them with the current and old keys
 * (TOKEN_ENCRYPTION_KEYS_OLD). One short transaction per row under the row
 * lock a refresh's store also takes, so they never overwrite each other (a
 * refresh compares tokens in clear, so a re-encrypted row still takes its
 * rotation: docs/strava.md#token-refresh). Safe to run again: rows already
 * rotated are skipped. Once it
 * reports no failures, the old keys can be dropped.
 */
export async function rotateTokenKeys(deps: {
  db: Db;
  config: Pick<Config, 'tokenEncryptionKey' | 'tokenKeyId' | 'oldTokenKeys'>;
  clock: Clock;
}): Promise<RotationReport> {
  const key = currentTokenKey(deps.config);
  const keyring = keyringFromConfig(deps.config);
  const pending = await loadGrantRunnerIdsNotUnderKey(deps.db, key.keyId);
  const report: RotationReport = { rotated: 0, failed: [] };
  for (const runnerId of pending) {
    try {
      const rotated = await deps.db.transaction(async (tx) => {
        const row = await lockGrantCiphertexts(tx, runnerId);
        // Gone (runner deleted) or rotated meanwhile by a refresh, which writes under the current key.
        if (!row || row.keyId === key.keyId) return false;
        const reencrypt = (stored: string) =>
          encryptToken(decryptToken(stored, keyring, row.athleteId), key, row.athleteId);
        await updateGrantCiphertexts(
          tx,
          runnerId,
          {
            accessTokenEnc: reencrypt(row.accessTokenEnc),
            refreshTokenEnc: reencrypt(row.refreshTokenEnc),
            keyId: key.keyId,
          },
          deps.clock.now(),
        );
        return true;
      });
      if (rotated) report.rotated++;
    } catch (err) {
      if (!(err instanceof TokenDecryptError)) throw err;
      report.failed.push(runnerId);
    }
  }
  await rotatePendingRevocations(deps, report);
  return report;
}

/**
 * Grants kept for a revocation still being retried (docs/disconnect.md#revocation)
 * are encrypted too, with their row id as associated data: rotated the same way,
 * so the old key can go before their 48 hours are up.
 */
async function rotatePendingRevocations(
  deps: Parameters<typeof rotateTokenKeys>[0],
  report: RotationReport,
): Promise<void> {
  const key = currentTokenKey(deps.config);
  const keyring = keyringFromConfig(deps.config);
  const pending = await loadRevocationIdsNotUnderKey(deps.db, key.keyId);
  for (const id of pending) {
    try {
      const rotated = await deps.db.transaction(async (tx) => {
        const row = await lockRevocation(tx, id);
        if (!row || row.keyId === key.keyId) return false;
        const reencrypt = (stored: string) => encryptToken(decryptToken(stored, keyring, id), key, id);
        await updateRevocationGrant(tx, id, {
          accessTokenEnc: reencrypt(row.accessTokenEnc),
          refreshTokenEnc: reencrypt(row.refreshTokenEnc),
          keyId: key.keyId,
        });
        return true;
      });
      if (rotated) report.rotated++;
    } catch (err) {
      if (!(err instanceof TokenDecryptError)) throw err;
      report.failed.push(`revocation ${id}`);
    }
  }
}
