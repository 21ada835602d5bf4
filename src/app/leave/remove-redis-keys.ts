import type { CleanupStep } from './cleanup-step.js';

/**
 * Any other Redis key whose name carries the runner's id (the deauthorization
 * check's claim, a deduplication key, a per-runner limit): found with SCAN
 * over the whole keyspace (the id is a random UUID, so nothing else matches)
 * and deleted.
 */
export const removeRedisKeys: CleanupStep = {
  name: 'redis keys',
  async run(deps, trace) {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await deps.redis.scan(cursor, 'MATCH', `*${trace.runnerId}*`, 'COUNT', 1_000);
      if (keys.length > 0) removed += await deps.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  },
};
