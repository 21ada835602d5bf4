import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../db/client.js';
import { releaseRefreshLease, takeRefreshLease } from '../../db/repositories/strava-grants.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { StravaUnavailableError } from './errors.js';
import { isInvalidRefreshToken } from './oauth.js';
import type { TokenSet } from './schemas.js';
import type { GrantVault, StoredGrant } from './stored-grant.js';

/**
 * Longer than a refresh can take (10 s per attempt, two retries after a 5xx),
 * so a live holder never loses its lease; a dead holder's runs out.
 */
const REFRESH_LEASE_MS = 60_000;
/** Waiting for another process's refresh: poll the row every 100-200 ms. */
const LEASE_POLL_MS = 100;

export type RefreshOutcome = { token: string } | { invalidRefreshToken: string };

type LeaseOutcome = { token: string } | { leased: { id: string; row: StoredGrant } } | { waitUntil: Date };

export type RefreshLeaseDeps = {
  db: Db;
  clock: Clock;
  logger: Logger;
  grants: GrantVault;
  /** Whether the stored access token can be handed out as is. */
  usable(row: StoredGrant, rejected: string | undefined): boolean;
  /** Calls Strava's refresh grant. */
  refresh(refreshToken: string): Promise<TokenSet>;
};

/**
 * The cross-process half of the refresh single-flight (docs/strava.md#token-refresh):
 * a lease on the token row, taken in a short transaction; only the holder calls
 * Strava, with no transaction open; the rotation is stored only if the spent
 * refresh token is still the stored one.
 */
export function createRefreshLease(deps: RefreshLeaseDeps): {
  /** Until a usable token is stored or this caller holds the lease and has refreshed. */
  refreshOnce(runnerId: string, rejected: string | undefined): Promise<RefreshOutcome>;
} {
  const { db, clock, logger, grants } = deps;

  /** Short transaction: re-read under the row lock; take the lease only if a refresh is still needed. */
  function takeLease(runnerId: string, rejected: string | undefined): Promise<LeaseOutcome> {
    return db.transaction(async (tx) => {
      const row = await grants.loadConnected(tx, runnerId, true);
      if (deps.usable(row, rejected)) return { token: row.accessToken };
      const now = clock.now();
      if (row.leaseUntil && row.leaseUntil.getTime() > now.getTime()) return { waitUntil: row.leaseUntil };
      const id = randomUUID();
      await takeRefreshLease(tx, runnerId, id, new Date(now.getTime() + REFRESH_LEASE_MS));
      return { leased: { id, row } };
    });
  }

  /** Holds the lease: calls Strava outside any transaction, then stores the rotation if nobody stored newer. */
  async function refreshLeased(runnerId: string, leaseId: string, row: StoredGrant): Promise<RefreshOutcome> {
    let fresh: TokenSet;
    try {
      fresh = await deps.refresh(row.refreshToken);
    } catch (err) {
      await releaseRefreshLease(db, runnerId, leaseId).catch(() => undefined);
      if (isInvalidRefreshToken(err)) return { invalidRefreshToken: row.refreshToken };
      throw err;
    }
    const stored = await db.transaction(async (tx) => {
      const current = await grants.load(tx, runnerId, true);
      // Gone (the runner left meanwhile) or a newer grant stored (a reconnect): theirs stands.
      // Compared in clear: a key rotation re-encrypts the same token meanwhile.
      if (!current || current.refreshToken !== row.refreshToken) return false;
      await grants.write(tx, runnerId, row.athleteId, fresh);
      return true;
    });
    if (!stored) await releaseRefreshLease(db, runnerId, leaseId).catch(() => undefined);
    logger.debug({ runnerId, stored }, 'strava tokens refreshed');
    return { token: fresh.accessToken };
  }

  return {
    async refreshOnce(runnerId, rejected) {
      const giveUpAt = clock.now().getTime() + REFRESH_LEASE_MS * 2;
      for (;;) {
        const lease = await takeLease(runnerId, rejected);
        if ('token' in lease) return lease;
        if ('leased' in lease) return refreshLeased(runnerId, lease.leased.id, lease.leased.row);
        // Another process is refreshing: wait for its tokens without holding a connection.
        if (clock.now().getTime() > giveUpAt)
          throw new StravaUnavailableError('POST /oauth/token (refresh)', 'another refresh did not finish');
        await sleep(LEASE_POLL_MS + Math.floor(Math.random() * LEASE_POLL_MS));
      }
    },
  };
}
