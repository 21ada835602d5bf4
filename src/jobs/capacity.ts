import { MAX_INBOX_WRITERS, WEB_PAGE_CONNECTIONS } from '../app/web-connections.js';
import type { Config } from '../config.js';
import { QUEUE_CONCURRENCY, QUEUE_NAMES, type QueueName } from './queue-names.js';

/**
 * Postgres connections and job concurrency, derived from each other
 * (docs/capacity.md). No connection is held across a network call (Strava,
 * SMTP, Redis): a job holds at most one connection at a time, for one short
 * transaction or query. So one connection per concurrent job, plus the web
 * role's share (the webhook inbox writer's statements in flight and a few for
 * pages), never leaves a job or a webhook waiting for a connection.
 */
export type CapacityPlan = {
  /** node-postgres pool size of this process (PGlite: one connection regardless). */
  poolSize: number;
  /** Worker concurrency per queue in this process. */
  concurrency: Record<QueueName, number>;
};

/** A sweeper query or lease release running beside the jobs. */
const WORKER_SPARE_CONNECTIONS = 1;

export function planCapacity(config: Pick<Config, 'role' | 'databasePoolSize'>): CapacityPlan {
  const web = config.role !== 'worker';
  const worker = config.role !== 'web';
  const jobs = QUEUE_NAMES.reduce((n, q) => n + QUEUE_CONCURRENCY[q], 0);
  const webShare = web ? MAX_INBOX_WRITERS + WEB_PAGE_CONNECTIONS : 0;
  const needed = webShare + (worker ? jobs + WORKER_SPARE_CONNECTIONS : 0);
  const poolSize = config.databasePoolSize ?? needed;
  if (!worker || poolSize >= needed) return { poolSize, concurrency: { ...QUEUE_CONCURRENCY } };
  // A smaller pool than the defaults need: the web share shrinks to at most half the pool
  // (its inbox writer follows the pool size), and every queue's concurrency shrinks in
  // proportion to what is left, at least one each.
  const webKept = web ? Math.min(webShare, Math.ceil(poolSize / 2)) : 0;
  const forJobs = Math.max(QUEUE_NAMES.length, poolSize - webKept - WORKER_SPARE_CONNECTIONS);
  const concurrency = Object.fromEntries(
    QUEUE_NAMES.map((q) => [q, Math.max(1, Math.floor((QUEUE_CONCURRENCY[q] * forJobs) / jobs))]),
  ) as Record<QueueName, number>;
  return { poolSize, concurrency };
}
