import type { Job, JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from './queue-names.js';
import type { Queues } from './queues.js';

/** Every state a job record can rest in (active jobs are locked: their processors forget them, see below). */
const STATES: JobType[] = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'];
const PAGE = 500;

/**
 * BullMQ keeps job records after they finish (an hour when completed, a week
 * when failed) and an event stream per queue. Records whose id, payload,
 * return value or failure `names` the runner are removed, and so are the stream
 * entries that name them (a deauthorization recheck's job id, an analysis's
 * deduplication id). A job running right now cannot be removed: its processor
 * finds the runner gone and its record is removed as it finishes (`forget`).
 */
export async function removeJobsNaming(
  { queues, redis }: { queues: Queues; redis: Redis },
  names: (text: string) => boolean,
): Promise<number> {
  let removed = 0;
  for (const name of QUEUE_NAMES) {
    const queue = queues[name];
    removed += await removeJobs(queue, names);
    removed += await removeStreamEntries(redis, queue.toKey('events'), names);
  }
  return removed;
}

async function removeJobs(queue: Queue, names: (text: string) => boolean): Promise<number> {
  const matching: Job[] = [];
  for (const state of STATES) {
    for (let start = 0; ; start += PAGE) {
      const jobs = (await queue.getJobs([state], start, start + PAGE - 1, true)) as Job[];
      for (const job of jobs) if (job && names(describeJob(job))) matching.push(job);
      if (jobs.length < PAGE) break;
    }
  }
  let removed = 0;
  for (const job of matching) {
    try {
      await job.remove();
      removed++;
    } catch {
      // Became active meanwhile: it forgets itself when it finishes.
    }
  }
  return removed;
}

function describeJob(job: Job): string {
  return [
    job.id ?? '',
    JSON.stringify(job.data ?? null),
    JSON.stringify(job.returnvalue ?? null),
    job.failedReason ?? '',
    JSON.stringify(job.opts?.deduplication ?? null),
  ].join('\n');
}

async function removeStreamEntries(
  redis: Redis,
  key: string,
  names: (text: string) => boolean,
): Promise<number> {
  const doomed: string[] = [];
  let from = '-';
  for (;;) {
    const entries = (await redis.xrange(key, from, '+', 'COUNT', PAGE)) as [string, string[]][];
    for (const [id, fields] of entries) if (names(fields.join('\n'))) doomed.push(id);
    if (entries.length < PAGE) break;
    from = `(${entries[entries.length - 1]?.[0]}`;
  }
  for (let i = 0; i < doomed.length; i += PAGE) await redis.xdel(key, ...doomed.slice(i, i + PAGE));
  return doomed.length;
}
