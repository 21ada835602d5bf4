import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, isNull } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { runners, type StravaRefusal, stravaTokens } from '../../db/schema/index.js';
import type { Clock } from '../../shared/clock.js';
import { currentTokenKey, decryptToken, encryptToken, keyringFromConfig } from '../../shared/crypto.js';
import type { Logger } from '../../shared/logger.js';
import { StravaAuthError, StravaUnavailableError } from './errors.js';
import { isInvalidRefreshToken } from './oauth.js';
import type { TokenSet } from './schemas.js';

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

type StoredRow = TokenSet & {
  athleteId: string;
  refreshTokenEnc: string;
  disconnected: boolean;
  leaseUntil: Date | null;
};

/**
 * Longer than a refresh can take (10 s per attempt, two retries after a 5xx),
 * so a live holder never loses its lease; a dead holder's runs out.
 */
const REFRESH_LEASE_MS = 60_000;
/** Waiting for another process's refresh: poll the row every 100-200 ms. */
const LEASE_POLL_MS = 100;

/** Parking reasons under which Strava still accepts the runner's tokens (docs/strava-quota.md). */
const GRANT_ALIVE: ReadonlySet<string> = new Set<StravaRefusal>([
  'activity_scope_missing',
  'athlete_not_found',
  'strava_failing',
]);

type Flight = { promise: Promise<string>; rejected: string | undefined };

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { db, clock, logger } = options;
  const keyring = keyringFromConfig(options.config);
  const key = currentTokenKey(options.config);
  const marginMs = options.refreshMarginMs ?? 5 * 60_000;
  const inflight = new Map<string, Flight>();

  async function load(q: DbOrTx, runnerId: string, forUpdate = false): Promise<StoredRow | null> {
    const query = q
      .select({
        athleteId: runners.athleteId,
        disconnectedAt: runners.disconnectedAt,
        stravaRefusal: runners.stravaRefusal,
        accessTokenEnc: stravaTokens.accessTokenEnc,
        refreshTokenEnc: stravaTokens.refreshTokenEnc,
        expiresAt: stravaTokens.expiresAt,
        leaseUntil: stravaTokens.refreshLeaseUntil,
      })
      .from(stravaTokens)
      .innerJoin(runners, eq(runners.id, stravaTokens.runnerId))
      .where(eq(stravaTokens.runnerId, runnerId));
    const [row] = forUpdate ? await query.for('update', { of: stravaTokens }) : await query;
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

  async function loadConnected(q: DbOrTx, runnerId: string, forUpdate = false): Promise<StoredRow> {
    const row = await load(q, runnerId, forUpdate);
    if (!row) throw new StravaAuthError('no Strava tokens stored for this runner');
    if (row.disconnected) throw new StravaAuthError('runner is disconnected from Strava');
    return row;
  }

  function usable(row: StoredRow, rejected: string | undefined): boolean {
    if (rejected !== undefined && row.accessToken === rejected) return false;
    return row.expiresAt.getTime() - clock.now().getTime() > marginMs;
  }

  async function write(q: DbOrTx, runnerId: string, athleteId: string, tokens: TokenSet): Promise<void> {
    const values = {
      accessTokenEnc: encryptToken(tokens.accessToken, key, athleteId),
      refreshTokenEnc: encryptToken(tokens.refreshToken, key, athleteId),
      keyId: key.keyId,
      expiresAt: tokens.expiresAt,
      updatedAt: clock.now(),
      // A write of fresh tokens ends any refresh lease: waiters find the tokens usable.
      refreshLeaseId: null,
      refreshLeaseUntil: null,
    };
    await q
      .insert(stravaTokens)
      .values({ runnerId, ...values })
      .onConflictDoUpdate({ target: stravaTokens.runnerId, set: values });
  }

  type LeaseOutcome = { token: string } | { leased: { id: string; row: StoredRow } } | { waitUntil: Date };
  type RefreshOutcome = { token: string } | { invalidRefreshToken: string };

  /** Short transaction: re-read under the row lock; take the lease only if a refresh is still needed. */
  function takeLease(runnerId: string, rejected: string | undefined): Promise<LeaseOutcome> {
    return db.transaction(async (tx) => {
      const row = await loadConnected(tx, runnerId, true);
      if (usable(row, rejected)) return { token: row.accessToken };
      const now = clock.now();
      if (row.leaseUntil && row.leaseUntil.getTime() > now.getTime()) return { waitUntil: row.leaseUntil };
      const id = randomUUID();
      await tx
        .update(stravaTokens)
        .set({ refreshLeaseId: id, refreshLeaseUntil: new Date(now.getTime() + REFRESH_LEASE_MS) })
        .where(eq(stravaTokens.runnerId, runnerId));
      return { leased: { id, row } };
    });
  }

  async function releaseLease(runnerId: string, leaseId: string): Promise<void> {
    await db
      .update(stravaTokens)
      .set({ refreshLeaseId: null, refreshLeaseUntil: null })
      .where(and(eq(stravaTokens.runnerId, runnerId), eq(stravaTokens.refreshLeaseId, leaseId)));
  }

  /** Holds the lease: calls Strava outside any transaction, then stores the rotation if nobody stored newer. */
  async function refreshLeased(runnerId: string, leaseId: string, row: StoredRow): Promise<RefreshOutcome> {
    let fresh: TokenSet;
    try {
      fresh = await options.refresh(row.refreshToken);
    } catch (err) {
      await releaseLease(runnerId, leaseId).catch(() => undefined);
      if (isInvalidRefreshToken(err)) return { invalidRefreshToken: row.refreshToken };
      throw err;
    }
    const stored = await db.transaction(async (tx) => {
      const current = await load(tx, runnerId, true);
      // Gone (the runner left meanwhile) or a newer grant stored (a reconnect): theirs stands.
      // Compared in clear: a key rotation re-encrypts the same token meanwhile.
      if (!current || current.refreshToken !== row.refreshToken) return false;
      await write(tx, runnerId, row.athleteId, fresh);
      return true;
    });
    if (!stored) await releaseLease(runnerId, leaseId).catch(() => undefined);
    logger.debug({ runnerId, stored }, 'strava tokens refreshed');
    return { token: fresh.accessToken };
  }

  /** Until a usable token is stored or this caller holds the lease and has refreshed. */
  async function refreshOnce(runnerId: string, rejected: string | undefined): Promise<RefreshOutcome> {
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
  }

  async function refresh(runnerId: string, rejected: string | undefined): Promise<string> {
    const first = await refreshOnce(runnerId, rejected);
    if ('token' in first) return first.token;
    // Strava refused the refresh token. Someone else (another process, a reconnect) may have
    // stored a newer one since we read it: re-read once before declaring the runner gone.
    const again = await loadConnected(db, runnerId);
    if (again.refreshToken !== first.invalidRefreshToken) {
      const second = await refreshOnce(runnerId, rejected);
      if ('token' in second) return second.token;
    }
    await markDisconnected(runnerId);
    throw new StravaAuthError('Strava refused the refresh token', 'grant_invalid');
  }

  /** One refresh per runner in this process; callers arriving meanwhile share its result. */
  function singleFlight(runnerId: string, rejected: string | undefined): Flight {
    const current = inflight.get(runnerId);
    if (current) return current;
    const flight: Flight = {
      rejected,
      promise: refresh(runnerId, rejected).finally(() => inflight.delete(runnerId)),
    };
    inflight.set(runnerId, flight);
    return flight;
  }

  async function markDisconnected(runnerId: string): Promise<void> {
    const now = clock.now();
    await db
      .update(runners)
      .set({ disconnectedAt: now, updatedAt: now })
      .where(and(eq(runners.id, runnerId), isNull(runners.disconnectedAt)));
    logger.warn({ runnerId }, 'strava refused the runner tokens: marked disconnected');
  }

  return {
    async save(tx, runnerId, athleteId, tokens) {
      await write(tx, runnerId, athleteId, tokens);
      await tx.update(runners).set({ disconnectedAt: null }).where(eq(runners.id, runnerId));
    },

    async accessToken(runnerId, rejected) {
      const row = await loadConnected(db, runnerId);
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
      const row = await load(q, runnerId);
      return row
        ? { accessToken: row.accessToken, refreshToken: row.refreshToken, expiresAt: row.expiresAt }
        : null;
    },
  };
}
