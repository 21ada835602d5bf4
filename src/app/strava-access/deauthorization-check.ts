import { withDeadline } from '../../shared/deadline.js';
import type { AppDeps } from '../deps.js';

/** A deauthorization claim is checked with Strava at most this often per runner. */
export const DEAUTH_CHECK_INTERVAL_MS = 10 * 60_000;
const REDIS_DEADLINE_MS = 500;

export type DeauthCheckClaim = {
  /** False: a check is running or its result is fresh; this claim costs nothing. */
  acquired: boolean;
  /** Call when the check failed (network): the next claim may check again at once. */
  release(): Promise<void>;
};

/**
 * Single-flight for deauthorization checks (docs/strava-quota.md): events are
 * unsigned and athlete ids public, so a stranger can post any number of
 * `authorized: "false"` claims. The first claim takes a Redis key (SET NX, 10
 * minutes, shared by every process); further claims while it runs or while its
 * "still authorized" answer is fresh are answered from it, at no Strava cost. A
 * real revocation is never missed: the check that holds the key finds it, and
 * the next API call or refresh for the runner would too. When Redis cannot be
 * asked, a process-local map gives the same guarantee per process.
 */
export async function claimDeauthorizationCheck(deps: AppDeps, runnerId: string): Promise<DeauthCheckClaim> {
  const key = `${deps.config.queuePrefix}:deauth-check:${runnerId}`;
  const nowMs = deps.clock.now().getTime();
  const local = localClaims(deps);
  for (const [id, until] of local) if (until <= nowMs) local.delete(id);
  if ((local.get(runnerId) ?? 0) > nowMs) return { acquired: false, release: async () => {} };
  let acquired: boolean;
  try {
    const answer = await withDeadline(
      deps.redis.set(key, String(nowMs), 'PX', DEAUTH_CHECK_INTERVAL_MS, 'NX'),
      REDIS_DEADLINE_MS,
      'deauthorization claim',
    );
    acquired = answer === 'OK';
  } catch (err) {
    deps.logger.warn({ err }, 'deauthorization check: Redis unavailable, single-flight is per process only');
    acquired = true;
  }
  if (acquired) local.set(runnerId, nowMs + DEAUTH_CHECK_INTERVAL_MS);
  return {
    acquired,
    async release() {
      local.delete(runnerId);
      await withDeadline(deps.redis.del(key), REDIS_DEADLINE_MS, 'deauthorization release').catch(
        () => undefined,
      );
    },
  };
}

/** One map per database handle (tests run several apps in one process). */
const claimsByDb = new WeakMap<object, Map<string, number>>();

function localClaims(deps: AppDeps): Map<string, number> {
  let claims = claimsByDb.get(deps.db);
  if (!claims) {
    claims = new Map();
    claimsByDb.set(deps.db, claims);
  }
  return claims;
}
