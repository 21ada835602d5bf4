import { z } from 'zod';
import type { AppDeps } from '../../app/deps.js';
import { withDeadline } from '../../shared/deadline.js';
import { defineJob } from '../definition.js';

/** How often the canary runs; an age well past this means no worker is taking jobs. */
export const WORKER_CANARY_EVERY_MS = 60_000;

/** Where the last run's time is kept: shared by every process, read by /metrics anywhere. */
export function workerCanaryKey(queuePrefix: string): string {
  return `${queuePrefix}:worker-canary`;
}

/**
 * The watchdog's canary (docs/degradation.md#watchdog): a repeatable job that
 * only records when it ran. Its age is exported as
 * `rampguard_worker_canary_age_seconds`, so an operator can alert on workers
 * that are up but stuck (BullMQ's reconnect failure modes), on a Redis outage
 * and on no worker running at all, with one rule.
 */
export const workerCanaryJob = defineJob({
  queue: 'maintenance',
  name: 'worker-canary',
  schema: z.object({}),
  options: () => ({ attempts: 1, removeOnComplete: true, removeOnFail: { count: 10 } }),
  async process(_data, { deps }) {
    await deps.redis.set(workerCanaryKey(deps.config.queuePrefix), String(deps.clock.now().getTime()));
    return { outcome: 'done' };
  },
});

/**
 * Seconds since the canary last ran, as this process can tell: from Redis, or
 * (Redis away, or no run seen yet) from the last time it could tell, which
 * keeps growing, as it should.
 */
export function createCanaryAgeReader(deps: Pick<AppDeps, 'redis' | 'config' | 'clock'>) {
  let lastRunAt = deps.clock.now().getTime();
  return async (): Promise<number> => {
    try {
      const value = await withDeadline(
        deps.redis.get(workerCanaryKey(deps.config.queuePrefix)),
        500,
        'canary read',
      );
      const at = Number(value);
      if (value !== null && Number.isFinite(at)) lastRunAt = at;
    } catch {
      // Redis away: the age keeps growing from the last run we saw.
    }
    return Math.max(0, (deps.clock.now().getTime() - lastRunAt) / 1000);
  };
}
