import { isRedisUnavailable } from '../shared/dependency-errors.js';
import type { DependencyHealth } from '../shared/dependency-health.js';
import type { Logger } from '../shared/logger.js';
import type { Queues } from './queues.js';
import { SCHEDULES } from './registry.js';

/** The sweepers whose interval `SWEEP_INTERVAL_MS` overrides (fault tests). */
const SWEEPERS: ReadonlySet<string> = new Set(['inbox-sweep', 'outbox-sweep']);

/** How often a worker re-asserts the schedules (see `keepSchedules`). */
export const SCHEDULE_REFRESH_MS = 60_000;

/** Upserts every repeatable job; BullMQ keeps one scheduler per id however many workers start. */
export async function upsertSchedules(queues: Queues, sweepEveryMs?: number): Promise<void> {
  for (const { job, everyMs } of SCHEDULES) {
    const every = sweepEveryMs !== undefined && SWEEPERS.has(job.name) ? sweepEveryMs : everyMs;
    await queues[job.queue].upsertJobScheduler(
      job.name,
      { every },
      { name: job.name, data: {}, opts: job.options({}) },
    );
  }
}

/**
 * Upserts the schedules now and again every `refreshMs`. The schedulers live in
 * Redis, so a wiped or replaced Redis (FLUSHALL, a restart without its AOF)
 * loses them, and with them the sweepers that rebuild every other lost job
 * (docs/webhooks.md#sweeper): without a refresh nothing would sweep again until a
 * worker restarted. Upserting an existing scheduler keeps its next run, so the
 * refresh is idempotent. Returns a function that stops it.
 */
export function keepSchedules(
  queues: Queues,
  logger: Logger,
  {
    sweepEveryMs,
    refreshMs = SCHEDULE_REFRESH_MS,
    health,
  }: { sweepEveryMs?: number; refreshMs?: number; health?: DependencyHealth } = {},
): () => void {
  const upsert = () =>
    upsertSchedules(queues, sweepEveryMs).catch((err: Error) => {
      // While Redis is away the outage report says it (docs/degradation.md); no line a minute here.
      if (health && isRedisUnavailable(err)) health.down('redis', err);
      else logger.warn({ err }, 'could not schedule maintenance jobs yet');
    });
  void upsert();
  const timer = setInterval(upsert, refreshMs);
  timer.unref();
  return () => clearInterval(timer);
}
