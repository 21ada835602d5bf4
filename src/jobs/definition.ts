import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import type { JobOutcome } from '../app/queue/job-outcome.js';
import { type JobIdSource, scopeJobOptions } from './job-ids.js';
import type { QueueName } from './queue-names.js';
import type { Queues } from './queues.js';

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
 * One module per job (docs/reliability-rules.md#job-definitions): the payload schema, how it is enqueued
 * (job id, dedup, retries) and its processor live together. Payloads hold ids
 * only: nothing secret goes to Redis (docs/reliability-rules.md#ids-only-in-job-data).
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

/** Where jobs go: the queues, and the database whose lifetime namespaces the job ids. */
export type JobSink = { queues: Queues; database: JobIdSource };

/** One add's name, validated payload and options (job ids namespaced, docs/job-ids.md). */
export function jobToAdd<T>(sink: JobSink, job: JobDefinition<T>, data: T) {
  const payload = job.schema.parse(data);
  return { name: job.name, data: payload, opts: scopeJobOptions(sink.database, job.options(payload)) };
}

/** Validates and enqueues; rejects fast when Redis is down (producer connection). */
export async function enqueue<T>(sink: JobSink, job: JobDefinition<T>, data: T): Promise<void> {
  const add = jobToAdd(sink, job, data);
  await sink.queues[job.queue].add(add.name, add.data, add.opts);
}
