import type { Redis } from 'ioredis';

/**
 * Where rate-limit state lives in Redis (docs/front-door.md#redis-keys). Every
 * key starts with `<QUEUE_PREFIX>:limit:`, so environments sharing a Redis never
 * share counts, and web processes of one environment always do.
 *
 *   <prefix>:limit:ip:<limiter>:<client ip or /56>   fixed-window counters (express-rate-limit)
 *   <prefix>:limit:address:<sha256 of address>      "an email went to this address", 10 minutes
 *   <prefix>:limit:runner:<runner id>:<name>        per-runner budgets (RUNNER_LIMITS below)
 *
 * Only the `runner:` keys name a runner; `deleteRunnerLimiterKeys` removes them
 * when the runner's data is deleted. Address keys hold an expiry time only and
 * vanish after 10 minutes; ip keys after their window (at most a minute).
 */
export function limiterKeyPrefix(queuePrefix: string): string {
  return `${queuePrefix}:limit:`;
}

export function ipLimiterPrefix(queuePrefix: string, limiter: string): string {
  return `${limiterKeyPrefix(queuePrefix)}ip:${limiter}:`;
}

export function addressLimiterKey(queuePrefix: string, addressHash: string): string {
  return `${limiterKeyPrefix(queuePrefix)}address:${addressHash}`;
}

/** Every per-runner budget there is. A new one is added here, so deletion can never miss it. */
export const RUNNER_LIMITS = ['verification-emails'] as const;
export type RunnerLimit = (typeof RUNNER_LIMITS)[number];

export function runnerLimiterKey(queuePrefix: string, runnerId: string, limit: RunnerLimit): string {
  return `${limiterKeyPrefix(queuePrefix)}runner:${runnerId}:${limit}`;
}

/** Every rate-limit key that names this runner (exact keys: no SCAN needed). */
export function runnerLimiterKeys(queuePrefix: string, runnerId: string): string[] {
  return RUNNER_LIMITS.map((limit) => runnerLimiterKey(queuePrefix, runnerId, limit));
}

/**
 * Deletes every rate-limit key that names the runner, for disconnect and
 * verified deauthorization. Idempotent. A reconnecting runner starts with a
 * fresh per-runner budget; the per-address and per-ip limits still hold.
 */
export async function deleteRunnerLimiterKeys(
  redis: Pick<Redis, 'del'>,
  queuePrefix: string,
  runnerId: string,
): Promise<void> {
  await redis.del(...runnerLimiterKeys(queuePrefix, runnerId));
}
