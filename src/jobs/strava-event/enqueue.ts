import { withDeadline } from '../../shared/deadline.js';
import { enqueue, type JobSink } from '../definition.js';
import { scopedJobId } from '../job-ids.js';
import { ENQUEUE_DEADLINE_MS } from '../queues.js';
import { stravaEventJob } from './job.js';

/** Adds the event's job; a no-op while a job with this id exists. Rejects when Redis is unavailable. */
export function enqueueStravaEvent(sink: JobSink, eventKey: string): Promise<void> {
  return withDeadline(enqueue(sink, stravaEventJob, { eventKey }), ENQUEUE_DEADLINE_MS, 'event enqueue');
}

/**
 * For the sweeper: a job that still exists in `completed` or `failed` would
 * swallow the add (job ids dedupe only while the job exists, docs/reliability-rules.md#job-ids-dedupe-only-while-the-job-exists), yet its row
 * is unfinished, so that job is removed first. Waiting, delayed and active
 * jobs are left alone.
 */
export async function reenqueueStravaEvent(sink: JobSink, eventKey: string): Promise<'added' | 'pending'> {
  const jobId = scopedJobId(sink.database, eventKey);
  const state = await sink.queues.events.getJobState(jobId);
  if (state === 'completed' || state === 'failed') await sink.queues.events.remove(jobId);
  else if (state !== 'unknown') return 'pending';
  await enqueueStravaEvent(sink, eventKey);
  return 'added';
}
