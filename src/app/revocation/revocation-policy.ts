/**
 * How long and how often a revocation Strava did not accept is retried
 * (docs/disconnect.md#revocation): for 48 hours, the first retry a minute after
 * the disconnect, then doubling up to every two hours, with ±20% jitter so a
 * Strava outage does not meet a wall of retries when it ends.
 */
export const REVOCATION_WINDOW_MS = 48 * 3_600_000;
const FIRST_DELAY_MS = 60_000;
const MAX_DELAY_MS = 2 * 3_600_000;

/** Delay before the next attempt, after `failures` failed attempts (1 = the disconnect's own). */
export function revocationRetryDelayMs(failures: number, random: () => number = Math.random): number {
  const nominal = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(nominal * (0.8 + 0.4 * random()));
}
