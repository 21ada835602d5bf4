import { Redis } from 'ioredis';

/** The machine's Redis (CI starts it); tests isolate themselves by queue prefix. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes the keys matching `pattern` with SCAN (never FLUSHALL: other test files share this Redis). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes one test's BullMQ keys (its own queue prefix) on its own short-lived connection. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
}
