import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import type { QueueName } from './queue-names.js';
import type { Queues } from './queues.js';

/** What a processor reports: `skipped` is a normal outcome, not a failure. */
export type JobOutcome = { outcome: 'done' | 'skipped'; detail?: string };

export type JobContext = {
  deps: AppDeps;
  jobId: string;
  attemptsMade: number;
  /** Lets a processor defer the whole queue (Strava 429), see the analysis job. */
  rateLimitQueue(ms: number): Promise<void>;
  /**
   * Moves this job back to delayed until `untilMs` without using an attempt, while the rest of
   * the queue goes on (background work held back for interactive work). Always throws (BullMQ's
   * DelayedError); absent outside a worker.
   */
  delayJob?(untilMs: number): Promise<never>;
};

/**
 * One module per job (style.md §5): the payload schema, how it is enqueued
 * (job id, dedup, retries) and its processor live together. Payloads hold ids
 * only: nothing secret goes to Redis (reliability.md C.25).
 */
export type JobDefinition<T> = {
  queue: QueueName;
  name: string;
  schema: z.ZodType<T>;
  /** Options for each add (jobId, dedupe, attempts) computed from the payload. */
  options(data: T): JobsOptions;
  process(data: T, ctx: JobContext): Promise<JobOutcome>;
};

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

/** Validates and enqueues; rejects fast when Redis is down (producer connection). */
export async function enqueue<T>(queues: Queues, job: JobDefinition<T>, data: T): Promise<void> {
  const payload = job.schema.parse(data);
  await queues[job.queue].add(job.name, payload, job.options(payload));
}
