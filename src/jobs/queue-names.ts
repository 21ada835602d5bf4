/**
 * Every BullMQ queue, declared in one place. Each queue has its own worker
 * with its own concurrency; jobs on a queue are told apart by job name.
 */
export const QUEUE_NAMES = ['events', 'analysis', 'email', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Worker concurrency per queue (per process): Strava-bound work is kept modest. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  events: 8,
  analysis: 4,
  email: 4,
  maintenance: 1,
};
