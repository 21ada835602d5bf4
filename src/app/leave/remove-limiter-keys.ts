import { deleteRunnerLimiterKeys, runnerLimiterKeys } from '../../shared/rate-limit/keys.js';
import type { CleanupStep } from './cleanup-step.js';

/**
 * The runner's own rate-limit budgets (docs/front-door.md#redis-keys), by exact
 * name: they are known, so they need not wait for the key scan to find them.
 */
export const removeLimiterKeys: CleanupStep = {
  name: 'rate-limit keys',
  async run(deps, trace) {
    const keys = runnerLimiterKeys(deps.config.queuePrefix, trace.runnerId);
    const present = await deps.redis.exists(...keys);
    await deleteRunnerLimiterKeys(deps.redis, deps.config.queuePrefix, trace.runnerId);
    return present;
  },
};
