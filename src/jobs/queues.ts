import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { withDeadline } from '../shared/deadline.js';
import { isRedisUnavailable } from '../shared/dependency-errors.js';
import type { DependencyHealth } from '../shared/dependency-health.js';
import type { Logger } from '../shared/logger.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';

export type Queues = Readonly<Record<QueueName, Queue>>;

/**
 * How long an add on the request path may take. The producer connection already fails fast when
 * Redis is down (docs/reliability-rules.md#producer-connections); the deadline also bounds a slow or
 * paused Redis, so a webhook answer stays well under Strava's 2 s.
 */
export const ENQUEUE_DEADLINE_MS = 300;

/**
 * Defaults for every job: keep finished jobs bounded by age and count so Redis
 * memory stays flat (docs/reliability-rules.md#bounded-redis-memory); failed jobs stay a week for inspection.
 */
export const DEFAULT_JOB_OPTIONS = {
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 5_000 },
} as const;

/** With `health`, a queue's connection errors while Redis is away go to the outage report (docs/degradation.md). */
export function createQueues(
  connection: Redis,
  prefix: string,
  logger: Logger,
  health?: DependencyHealth,
): Queues {
  const entries = QUEUE_NAMES.map((name) => {
    const queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    queue.on('error', (err) => {
      if (health && isRedisUnavailable(err)) health.down('redis', err);
      else logger.warn({ err, queue: name }, 'queue error');
    });
    return [name, queue] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as Record<QueueName, Queue>);
}

/** Bounded: with Redis away, a close must not hold the shutdown. */
export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((q) => withDeadline(q.close(), 2_000, 'queue close')));
}
