import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics.js';

/** What the client needs of the process, declared here: integrations never import the app layer. */
export type StravaClientDeps = {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
};

export type StravaClientOptions = {
  timeoutMs?: number;
  retryBaseMs?: number;
  maxRetries?: number;
  reserveFraction?: number;
  minReserve15min?: number;
};
