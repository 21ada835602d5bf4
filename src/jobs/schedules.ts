import type { Queues } from './queues.js';
import { SCHEDULES } from './registry.js';

/** Upserts every repeatable job; BullMQ keeps one scheduler per id however many workers start. */
export async function upsertSchedules(queues: Queues): Promise<void> {
  for (const { job, everyMs } of SCHEDULES) {
    await queues[job.queue].upsertJobScheduler(
      job.name,
      { every: everyMs },
      { name: job.name, data: {}, opts: job.options({}) },
    );
  }
}
