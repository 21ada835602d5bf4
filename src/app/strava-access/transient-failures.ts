import {
  clearStravaFailures,
  incrementStravaFailures,
  setStravaRetryAt,
} from '../../db/repositories/strava-access.js';
import type { AppDeps } from '../deps.js';
import { parkRunner } from './park-runner.js';

/**
 * Transient Strava failures back off per runner, durably (docs/strava-quota.md#transient-failures):
 * the count and the next try live on the runner row, so the sweeper, reconciliation
 * and new events all wait for the same moment, and a Redis wipe forgets nothing.
 * 30 s, 1 min, 2 min … capped at one hour; the 13th failure in a row parks the
 * runner (about six hours of retries: an outage shorter than that parks nobody).
 */
export const TRANSIENT_BACKOFF = { baseMs: 30_000, capMs: 3_600_000, limit: 13, jitter: 0.2 } as const;

/** Delay before the next try after `failures` failures in a row (1, 2, …), with ±20% jitter. */
export function transientRetryDelayMs(failures: number, random: () => number = Math.random): number {
  const nominal = Math.min(TRANSIENT_BACKOFF.capMs, TRANSIENT_BACKOFF.baseMs * 2 ** (failures - 1));
  return Math.round(nominal * (1 - TRANSIENT_BACKOFF.jitter + 2 * TRANSIENT_BACKOFF.jitter * random()));
}

export type TransientOutcome = { failures: number } & ({ parked: true } | { parked: false; retryAt: Date });

/** Counts one failed analysis: schedules the next try, or parks the runner at the limit. */
export async function recordTransientFailure(deps: AppDeps, runnerId: string): Promise<TransientOutcome> {
  const now = deps.clock.now();
  const failures = (await incrementStravaFailures(deps.db, runnerId)) ?? TRANSIENT_BACKOFF.limit;
  if (failures >= TRANSIENT_BACKOFF.limit) {
    await parkRunner(deps, runnerId, 'strava_failing');
    return { failures, parked: true };
  }
  const retryAt = new Date(now.getTime() + transientRetryDelayMs(failures));
  await setStravaRetryAt(deps.db, runnerId, retryAt);
  deps.logger.warn(
    { runnerId, failures, retryAt: retryAt.toISOString() },
    'strava read failed; next try after the backoff',
  );
  return { failures, parked: false, retryAt };
}

/** A read went through: the next failure starts the backoff from the beginning. */
export async function clearTransientFailures(deps: AppDeps, runnerId: string): Promise<void> {
  await clearStravaFailures(deps.db, runnerId);
}
