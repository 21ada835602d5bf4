import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import type { StravaRefusal } from '../../db/repositories/strava-access.js';
import { loadGrantRow, upsertGrant } from '../../db/repositories/strava-grants.js';
import type { Clock } from '../../shared/clock.js';
import { currentTokenKey, decryptToken, encryptToken, keyringFromConfig } from '../../shared/crypto.js';
import { StravaAuthError } from './errors.js';
import type { TokenSet } from './schemas.js';

/** A runner's grant as stored, decrypted (athlete id as associated data). */
export type StoredGrant = TokenSet & {
  athleteId: string;
  refreshTokenEnc: string;
  disconnected: boolean;
  leaseUntil: Date | null;
};

/** Reads and writes a runner's grant, encrypting at rest (docs/data.md#token-encryption). */
export type GrantVault = {
  load(q: DbOrTx, runnerId: string, forUpdate?: boolean): Promise<StoredGrant | null>;
  /** Throws StravaAuthError when there are no tokens or the runner is disconnected. */
  loadConnected(q: DbOrTx, runnerId: string, forUpdate?: boolean): Promise<StoredGrant>;
  write(q: DbOrTx, runnerId: string, athleteId: string, tokens: TokenSet): Promise<void>;
};

/** Parking reasons under which Strava still accepts the runner's tokens (docs/strava-quota.md). */
const GRANT_ALIVE: ReadonlySet<string> = new Set<StravaRefusal>([
  'activity_scope_missing',
  'athlete_not_found',
  'strava_failing',
]);

export function createGrantVault(
  config: Pick<Config, 'tokenEncryptionKey' | 'tokenKeyId' | 'oldTokenKeys'>,
  clock: Clock,
): GrantVault {
  const keyring = keyringFromConfig(config);
  const key = currentTokenKey(config);

  async function load(q: DbOrTx, runnerId: string, forUpdate = false): Promise<StoredGrant | null> {
    const row = await loadGrantRow(q, runnerId, forUpdate);
    if (!row) return null;
    return {
      athleteId: row.athleteId,
      // A runner parked for a reason other than a dead grant keeps usable tokens: disconnecting
      // must still be able to revoke them (callers skip parked runners before asking for one).
      disconnected: row.disconnectedAt !== null && !GRANT_ALIVE.has(row.stravaRefusal ?? ''),
      accessToken: decryptToken(row.accessTokenEnc, keyring, row.athleteId),
      refreshToken: decryptToken(row.refreshTokenEnc, keyring, row.athleteId),
      refreshTokenEnc: row.refreshTokenEnc,
      expiresAt: row.expiresAt,
      leaseUntil: row.leaseUntil,
    };
  }

  return {
    load,

    async loadConnected(q, runnerId, forUpdate = false) {
      const row = await load(q, runnerId, forUpdate);
      if (!row) throw new StravaAuthError('no Strava tokens stored for this runner');
      if (row.disconnected) throw new StravaAuthError('runner is disconnected from Strava');
      return row;
    },

    async write(q, runnerId, athleteId, tokens) {
      const grant = {
        accessTokenEnc: encryptToken(tokens.accessToken, key, athleteId),
        refreshTokenEnc: encryptToken(tokens.refreshToken, key, athleteId),
        keyId: key.keyId,
        expiresAt: tokens.expiresAt,
      };
      await upsertGrant(q, runnerId, grant, clock.now());
    },
  };
}
