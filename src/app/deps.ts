import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import type { Mailer } from '../email/transport/mailer.js';
import type { StravaClient } from '../integrations/strava/client.js';
import type { Clock } from '../shared/clock.js';
import type { DependencyHealth } from '../shared/dependency-health.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { JobQueue } from './queue/job-queue.js';

/**
 * Everything use cases, routes and job processors need, built once per process
 * by the composition root (`startRampGuard` in src/server.ts) and passed down explicitly.
 */
export type AppDeps = {
  config: Config;
  logger: Logger;
  database: Database;
  db: Db;
  /** Producer connection (fails fast); used by queues and readiness checks. */
  redis: Redis;
  /** The job queues, by what use cases need of them (the BullMQ queues stay in the job layer). */
  jobs: JobQueue;
  metrics: Metrics;
  clock: Clock;
  /** The only way to Strava: tokens, rate limits and failure classes handled inside. */
  strava: StravaClient;
  /** What this process knows about Postgres and Redis; failures meaning "away" are reported here (docs/degradation.md). */
  health: DependencyHealth;
  /** The one mail transport (SMTP pool, or .eml files without SMTP_URL); only the outbox sender uses it. */
  mailer: Mailer;
  /** Sandbox mode, in the process that serves the simulator: what the pages may ask it. */
  sandbox?: SandboxView;
};

/** docs/sandbox.md: the simulator seen from RampGuard's pages (never from use cases or jobs). */
export type SandboxView = {
  /** Whether the simulator still holds this athlete's grant to RampGuard. */
  knowsGrant(athleteId: string): boolean;
};
