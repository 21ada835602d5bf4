import { Redis, type RedisOptions } from 'ioredis';
import { isRedisUnavailable } from '../shared/dependency-errors.js';
import type { DependencyHealth } from '../shared/dependency-health.js';
import type { Logger } from '../shared/logger.js';

/**
 * Producers (the web role) fail fast when Redis is down, so `queue.add` rejects
 * at once and the webhook still answers from its committed inbox row
 * (docs/reliability-rules.md#producer-connections). Workers wait patiently for Redis to come back (docs/reliability-rules.md#worker-connections).
 * Both keep reconnecting for ever; with `health`, their errors are reported
 * there (one line when Redis goes away, docs/degradation.md) instead of logged.
 */
export function createProducerConnection(url: string, logger: Logger, health?: DependencyHealth): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // The producer's view is the process's view of Redis (readiness, the outage report).
  if (health) redis.on('ready', () => health.up('redis'));
  return withErrorReporting(redis, logger, 'producer', health);
}

export function createWorkerConnection(
  url: string,
  logger: Logger,
  extra: RedisOptions = {},
  health?: DependencyHealth,
): Redis {
  return withErrorReporting(
    new Redis(url, {
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      ...extra,
    }),
    logger,
    'worker',
    health,
  );
}

/**
 * An ioredis client without an `error` listener crashes the process on a
 * connection error. Reconnect loops emit one every attempt: an outage goes to
 * the health report; anything else is logged at most once every 10 s.
 */
function withErrorReporting(redis: Redis, logger: Logger, role: string, health?: DependencyHealth): Redis {
  let lastLoggedAt = 0;
  redis.on('error', (err: Error) => {
    if (health && isRedisUnavailable(err)) {
      health.down('redis', err);
      return;
    }
    if (Date.now() - lastLoggedAt > 10_000) {
      lastLoggedAt = Date.now();
      logger.warn({ err, role }, 'redis connection error');
    }
  });
  return redis;
}
