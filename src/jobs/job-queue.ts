import type { Redis } from 'ioredis';
import type { AppDeps } from '../app/deps.js';
import type { JobQueue } from '../app/queue/job-queue.js';
import { enqueueAnalysis } from './analyze-runner/enqueue.js';
import { scheduleDeauthRecheck } from './deauth-recheck/job.js';
import type { JobSink } from './definition.js';
import { removeJobsNaming } from './remove-job-traces.js';
import { enqueueRevocation } from './revoke-grant/job.js';
import { requeueSendJob, scheduleSendJob } from './send-email/enqueue.js';
import { reenqueueStravaEvent } from './strava-event/enqueue.js';
import { createEventHandOff } from './strava-event/hand-off.js';

export type JobQueueDeps = JobSink & { redis: Redis } & Pick<
    AppDeps,
    'logger' | 'health' | 'clock' | 'metrics'
  >;

/**
 * The use cases' `JobQueue` over this process's BullMQ queues. Every add goes through the typed
 * `enqueue` of each job's definition (src/jobs/definition.ts): payload validated, job ids
 * namespaced (docs/job-ids.md).
 */
export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const handOff = createEventHandOff(deps);
  return {
    requestAnalysis: (runnerId, request) => enqueueAnalysis(deps, runnerId, request),
    scheduleDeauthRecheck: (runnerId) => scheduleDeauthRecheck(deps, runnerId),
    handOffStravaEvent: (eventKey) => handOff(eventKey),
    flushEventHandOffs: () => handOff.flushed(),
    reenqueueStravaEvent: (eventKey) => reenqueueStravaEvent(deps, eventKey),
    enqueueRevocation: (revocationId, attempt, at) => enqueueRevocation(deps, revocationId, attempt, at),
    scheduleSendJob: (outboxId) => scheduleSendJob(deps, outboxId),
    requeueSendJob: (outboxId) => requeueSendJob(deps, outboxId),
    removeJobsNaming: (names) => removeJobsNaming(deps, names),
  };
}
