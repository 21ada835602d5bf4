import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Tx } from '../../db/client.js';
import { insertRevocation, type RevocationRow } from '../../db/repositories/revocations.js';
import type { TokenSet } from '../../integrations/strava/schemas.js';
import { currentTokenKey, decryptToken, encryptToken, keyringFromConfig } from '../../shared/crypto.js';
import { REVOCATION_WINDOW_MS, revocationRetryDelayMs } from './revocation-policy.js';

type KeyConfig = Pick<Config, 'tokenEncryptionKey' | 'tokenKeyId' | 'oldTokenKeys'>;

export type { RevocationRow };

/**
 * Keeps a grant that could not be revoked at disconnect (docs/disconnect.md#revocation),
 * in the transaction that deletes the runner: the tokens re-encrypted with the
 * row's own random id as associated data, and nothing else about the runner.
 * Returns the row id and when the first retry is due.
 */
export async function savePendingRevocation(
  tx: Tx,
  config: KeyConfig,
  grant: TokenSet,
  now: Date,
): Promise<{ id: string; nextAttemptAt: Date }> {
  const id = randomUUID();
  const key = currentTokenKey(config);
  const nextAttemptAt = new Date(now.getTime() + revocationRetryDelayMs(1));
  await insertRevocation(tx, {
    id,
    accessTokenEnc: encryptToken(grant.accessToken, key, id),
    refreshTokenEnc: encryptToken(grant.refreshToken, key, id),
    keyId: key.keyId,
    expiresAt: grant.expiresAt,
    attempts: 1,
    nextAttemptAt,
    giveUpAt: new Date(now.getTime() + REVOCATION_WINDOW_MS),
    lastError: null,
    createdAt: now,
  });
  return { id, nextAttemptAt };
}

export function readPendingGrant(config: KeyConfig, row: RevocationRow): TokenSet {
  const keyring = keyringFromConfig(config);
  return {
    accessToken: decryptToken(row.accessTokenEnc, keyring, row.id),
    refreshToken: decryptToken(row.refreshTokenEnc, keyring, row.id),
    expiresAt: row.expiresAt,
  };
}

/** The columns a refresh rotates, encrypted for this row. */
export function encryptPendingGrant(config: KeyConfig, id: string, grant: TokenSet) {
  const key = currentTokenKey(config);
  return {
    accessTokenEnc: encryptToken(grant.accessToken, key, id),
    refreshTokenEnc: encryptToken(grant.refreshToken, key, id),
    keyId: key.keyId,
    expiresAt: grant.expiresAt,
  };
}
