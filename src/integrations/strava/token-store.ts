import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { clearRunnerDisconnected, markRunnerDisconnected } from '../../db/repositories/runners.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { StravaAuthError } from './errors.js';
import { createRefreshFlights } from './refresh-flights.js';
import { createRefreshLease } from './refresh-lease.js';
import type { TokenSet } from './schemas.js';
import { createGrantVault, type StoredGrant } from './stored-grant.js';

/**
 * A runner's Strava tokens, encrypted at rest (athlete id as AAD), and the
 * refresh single-flight (docs/access.md#token-refresh, docs/strava.md#token-refresh):
 *
 * - in process, one refresh per runner at a time (`inflight`), joined by all
 *   concurrent callers;
 * - across processes, a lease on the token row, taken in a short transaction
 *   (row lock for milliseconds, re-read under it): whoever finds the tokens
 *   already rotated uses them; whoever finds a live lease waits for it, polling
 *   without holding a connection; only the lease holder calls Strava, and it
 *   does so with no transaction open, so a hung Strava never holds a pool
 *   connection or a row lock;
 * - the new access token, refresh token and expiry are written together in a
 *   second short transaction, only if the stored refresh token is still the one
 *   that was spent (compare-and-set): a newer grant stored meanwhile (a
 *   reconnect) wins. A lease whose holder died simply runs out.
 *
 * Strava rotates refresh tokens and kills the old one at once, so two
 * refreshes racing with the same refresh token would disconnect the runner.
 */
export type TokenStore = {
  /** Stores tokens from a code exchange (reconnecting clears `disconnected_at`). */
  save(tx: DbOrTx, runnerId: string, athleteId: string, tokens: TokenSet): Promise<void>;
  /**
   * A usable access token: refreshed first when under 5 minutes remain, or when
   * `rejected` (a token Strava just answered 401 to) is still the stored one.
   * Throws StravaAuthError when there are no tokens, the runner is disconnected,
   * or Strava refuses the refresh token.
   */
  accessToken(runnerId: string, rejected?: string): Promise<string>;
  markDisconnected(runnerId: string): Promise<void>;
  /** The stored grant, decrypted, whatever the runner's state (a disconnect keeps it for a pending revocation). */
  read(q: DbOrTx, runnerId: string): Promise<TokenSet | null>;
};

export type TokenStoreOptions = {
  db: Db;
  config: Pick<Config, 'tokenEncryptionKey' | 'tokenKeyId' | 'oldTokenKeys'>;
  clock: Clock;
  logger: Logger;
  /** Calls Strava's refresh grant. */
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Refresh when less than this remains (default 5 minutes). */
  refreshMarginMs?: number;
};

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { db, clock, logger } = options;
  const grants = createGrantVault(options.config, clock);
  const marginMs = options.refreshMarginMs ?? 5 * 60_000;

  function usable(row: StoredGrant, rejected: string | undefined): boolean {
    if (rejected !== undefined && row.accessToken === rejected) return false;
    return row.expiresAt.getTime() - clock.now().getTime() > marginMs;
  }

  const lease = createRefreshLease({ db, clock, logger, grants, usable, refresh: options.refresh });

  async function refresh(runnerId: string, rejected: string | undefined): Promise<string> {
    const first = await lease.refreshOnce(runnerId, rejected);
    if ('token' in first) return first.token;
    // Strava refused the refresh token. Someone else (another process, a reconnect) may have
    // stored a newer one since we read it: re-read once before declaring the runner gone.
    const again = await grants.loadConnected(db, runnerId);
    if (again.refreshToken !== first.invalidRefreshToken) {
      const second = await lease.refreshOnce(runnerId, rejected);
      if ('token' in second) return second.token;
    }
    await markDisconnected(runnerId);
    throw new StravaAuthError('Strava refused the refresh token', 'grant_invalid');
  }

  const singleFlight = createRefreshFlights(refresh);

  async function markDisconnected(runnerId: string): Promise<void> {
    await markRunnerDisconnected(db, runnerId, clock.now());
    logger.warn({ runnerId }, 'strava refused the runner tokens: marked disconnected');
  }

  return {
    async save(tx, runnerId, athleteId, tokens) {
      await grants.write(tx, runnerId, athleteId, tokens);
      await clearRunnerDisconnected(tx, runnerId);
    },

    async accessToken(runnerId, rejected) {
      const row = await grants.loadConnected(db, runnerId);
      if (usable(row, rejected)) return row.accessToken;
      const flight = singleFlight(runnerId, rejected);
      const token = await flight.promise;
      // We joined a refresh started for another reason, and it kept the very token Strava just
      // rejected for us: that refresh did not help, so run one for our rejection.
      if (rejected !== undefined && flight.rejected !== rejected && token === rejected) {
        return singleFlight(runnerId, rejected).promise;
      }
      return token;
    },

    markDisconnected,

    async read(q, runnerId) {
      const row = await grants.load(q, runnerId);
      return row
        ? { accessToken: row.accessToken, refreshToken: row.refreshToken, expiresAt: row.expiresAt }
        : null;
    },
  };
}
