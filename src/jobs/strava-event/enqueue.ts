import { withDeadline } from '../../db/client.js';
import { enqueue } from '../definition.js';
import type { Queues } from '../queues.js';
import { stravaEventJob } from './job.js';

/**
 * The producer connection already fails fast when Redis is down (C.21); the
 * deadline also bounds a slow or paused Redis so the webhook stays under 2 s.
 */
const ENQUEUE_DEADLINE_MS = 300;

/** Adds the event's job; a no-op while a job with this id exists. Rejects when Redis is unavailable. */
export function enqueueStravaEvent(queues: Queues, eventKey: string): Promise<void> {
  return withDeadline(enqueue(queues, stravaEventJob, { eventKey }), ENQUEUE_DEADLINE_MS, 'event enqueue');
}

/**
 * For the sweeper: a job that still exists in `completed` or `failed` would
 * swallow the add (job ids dedupe only while the job exists, B.15), yet its row
 * is unfinished, so that job is removed first. Waiting, delayed and active
 * jobs are left alone.
 */
export async function reenqueueStravaEvent(queues: Queues, eventKey: string): Promise<'added' | 'pending'> {
  const state = await queues.events.getJobState(eventKey);
  if (state === 'completed' || state === 'failed') await queues.events.remove(eventKey);
  else if (state !== 'unknown') return 'pending';
  await enqueueStravaEvent(queues, eventKey);
  return 'added';
}
