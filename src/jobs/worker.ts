import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppDeps } from '../app/deps.js';
import type { JobOutcome } from '../app/queue/job-outcome.js';
import { isDatabaseUnavailable, isRedisUnavailable } from '../shared/dependency-errors.js';
import { summarizeError } from '../shared/error-shape.js';
import { isRetryable } from '../shared/errors.js';
import type { JobDefinition } from './definition.js';
import { QUEUE_CONCURRENCY, QUEUE_NAMES, type QueueName } from './queue-names.js';

export type WorkerOptions = {
  connection: Redis;
  /** Per queue; default QUEUE_CONCURRENCY (the composition root derives it from the pool, docs/capacity.md). */
  concurrency?: Record<QueueName, number>;
  /** Test knobs: shorter locks make stall recovery observable (docs/reliability-rules.md#stalled-jobs). */
  lockDuration?: number;
  stalledInterval?: number;
};

/**
 * One BullMQ worker per queue that has jobs; each dispatches by job name to the
 * registry. Payloads are re-validated here with the job's own schema.
 */
export function startWorkers(
  deps: AppDeps,
  registry: readonly JobDefinition<unknown>[],
  options: WorkerOptions,
): Worker[] {
  const byQueue = new Map<QueueName, Map<string, JobDefinition<unknown>>>();
  for (const job of registry) {
    const jobs = byQueue.get(job.queue) ?? new Map();
    jobs.set(job.name, job);
    byQueue.set(job.queue, jobs);
  }
  return QUEUE_NAMES.filter((q) => byQueue.has(q)).map((queue) =>
    createWorker(deps, queue, byQueue.get(queue) as Map<string, JobDefinition<unknown>>, options),
  );
}

function createWorker(
  deps: AppDeps,
  queue: QueueName,
  jobs: Map<string, JobDefinition<unknown>>,
  options: WorkerOptions,
): Worker {
  const { logger, metrics } = deps;
  const worker: Worker = new Worker(
    queue,
    async (job: Job, token?: string): Promise<JobOutcome> => {
      const definition = jobs.get(job.name);
      if (!definition) throw new UnrecoverableError(`no processor for job ${job.name}`);
      const parsed = definition.schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}`);
      try {
        return await definition.process(parsed.data, {
          deps,
          jobId: job.id ?? '',
          attemptsMade: job.attemptsMade,
          rateLimitQueue: async (ms) => {
            await worker.rateLimit(ms);
          },
          delayJob: async (untilMs) => {
            await job.moveToDelayed(untilMs, token);
            throw new DelayedError();
          },
        });
      } catch (err) {
        if (err instanceof Error && err.name === 'RateLimitError') throw err;
        if (err instanceof DelayedError) throw err;
        // BullMQ stores the message and stack in Redis (`failedReason`, `stacktrace`): only a
        // summary by shape goes there, never the original text (docs/errors.md).
        const summary = summarizeError(err);
        // Permanent failures are not retried (docs/reliability-rules.md#retry-policy).
        if (!isRetryable(err)) throw new UnrecoverableError(summary);
        throw new Error(summary, { cause: err });
      }
    },
    {
      connection: options.connection,
      prefix: deps.config.queuePrefix,
      concurrency: (options.concurrency ?? QUEUE_CONCURRENCY)[queue],
      // Needed for Worker.RateLimitError (Strava 429 defers the queue, docs/reliability-rules.md#strava-rate-limits).
      limiter: { max: 1_000, duration: 1_000 },
      lockDuration: options.lockDuration ?? 60_000,
      stalledInterval: options.stalledInterval ?? 30_000,
      maxStalledCount: 2,
    },
  );
  worker.on('completed', (job, result: JobOutcome | undefined) => {
    metrics.jobOutcomes.inc({ queue, job: job.name, outcome: result?.outcome ?? 'done' });
    logger.debug({ queue, job: job.name, jobId: job.id, outcome: result?.outcome }, 'job finished');
    // Its record names someone who has left (docs/disconnect.md): it goes now, not in an hour.
    if (result?.forget) void job.remove().catch(() => undefined);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    metrics.jobOutcomes.inc({ queue, job: job.name, outcome: final ? 'failed' : 'retry' });
    const cause = err.cause ?? err;
    const line = { queue, job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, err };
    // A failure is an error only on its final attempt (docs/reliability-rules.md#retry-policy). Attempts failing
    // because Postgres is away are the outage report's business (docs/degradation.md).
    if (final) logger.error(line, 'job failed');
    else if (isDatabaseUnavailable(cause)) {
      deps.health.down('database', cause);
      logger.debug(line, 'job attempt failed, will retry');
    } else logger.warn(line, 'job attempt failed, will retry');
  });
  worker.on('stalled', (jobId) => logger.warn({ queue, jobId }, 'job stalled: lock lost, it will run again'));
  worker.on('error', (err) => {
    if (isRedisUnavailable(err)) deps.health.down('redis', err);
    else logger.warn({ queue, err }, 'worker error');
  });
  return worker;
}

/**
 * `worker.close()` waits for active jobs without a timeout: bound it, then
 * force-close; cut-off jobs stay in Redis and run again (docs/reliability-rules.md#ordered-shutdown).
 */
export async function closeWorkers(workers: Worker[], timeoutMs: number): Promise<'drained' | 'forced'> {
  const graceful = Promise.all(workers.map((w) => w.close())).then(() => 'drained' as const);
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const result = await Promise.race([graceful, timer]);
  if (result === 'drained') return result;
  await Promise.allSettled(workers.map((w) => w.close(true)));
  return 'forced';
}
