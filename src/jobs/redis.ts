import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../shared/logger.js';

/**
 * Producers (the web role) fail fast when Redis is down, so `queue.add` rejects
 * at once and the webhook still answers from its committed inbox row
 * (reliability.md C.21). Workers wait patiently for Redis to come back (C.20).
 */
export function createProducerConnection(url: string, logger: Logger): Redis {
  return withErrorLogging(
    new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    }),
    logger,
    'producer',
  );
}

export function createWorkerConnection(url: string, logger: Logger, extra: RedisOptions = {}): Redis {
  return withErrorLogging(
    new Redis(url, {
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      ...extra,
    }),
    logger,
    'worker',
  );
}

/** An ioredis client without an `error` listener crashes the process on a connection error. */
function withErrorLogging(redis: Redis, logger: Logger, role: string): Redis {
  let lastLoggedAt = 0;
  redis.on('error', (err: Error) => {
    // Reconnect loops emit an error every attempt: log at most one line every 10 s.
    if (Date.now() - lastLoggedAt > 10_000) {
      lastLoggedAt = Date.now();
      logger.warn({ err: { message: err.message }, role }, 'redis connection error');
    }
  });
  return redis;
}
