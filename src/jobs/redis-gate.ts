import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';

/**
 * BullMQ is only safe on a Redis that never evicts keys, and only durable with
 * AOF (docs/reliability-rules.md#redis-configuration-gate). Production refuses to start otherwise;
 * development warns (the machine's shared Redis keeps nothing on disk).
 */
export async function checkRedisConfig(redis: Redis, logger: Logger, strict: boolean): Promise<void> {
  const problems: string[] = [];
  try {
    const policy = await configValue(redis, 'maxmemory-policy');
    const appendonly = await configValue(redis, 'appendonly');
    const fsync = await configValue(redis, 'appendfsync');
    if (policy !== undefined && policy !== 'noeviction')
      problems.push(`maxmemory-policy is ${policy}, BullMQ needs noeviction`);
    if (appendonly !== undefined && appendonly !== 'yes')
      problems.push('appendonly is off: a Redis restart loses queued jobs');
    if (appendonly === 'yes' && fsync !== undefined && fsync !== 'everysec' && fsync !== 'always') {
      problems.push(`appendfsync is ${fsync}, use everysec`);
    }
  } catch (err) {
    // Managed Redis often disables CONFIG: nothing to check, say so once.
    logger.warn({ err }, 'could not read Redis configuration');
    return;
  }
  if (problems.length === 0) return;
  if (strict) throw new Error(`Redis is not safe for BullMQ: ${problems.join('; ')}`);
  logger.warn({ problems }, 'Redis configuration is not production-safe (fine for development)');
}

async function configValue(redis: Redis, name: string): Promise<string | undefined> {
  const reply = (await redis.config('GET', name)) as string[];
  return reply[1];
}
