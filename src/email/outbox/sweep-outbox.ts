import type { AppDeps } from '../../app/deps.js';
import { findDueStragglerIds } from '../../db/repositories/email-outbox.js';
import { reportEnqueueFailure } from '../../jobs/enqueue-failure.js';
import { scopedJobId } from '../../jobs/job-ids.js';
import { sendEmailJob, sendEmailJobId } from '../../jobs/send-email/job.js';
import { scheduleSendJob } from './schedule-send-job.js';

/** Fresh rows are enqueued by their producer right after commit; the sweeper only takes stragglers. */
const STRAGGLER_AGE_MS = 60_000;

/**
 * Re-enqueues pending outbox rows that are due (docs/webhooks.md#sweeper): rows whose
 * job was lost with Redis, whose enqueue failed after commit, or which waited
 * out the 24 h alert window or a retry delay. Safe to run anywhere, any number
 * of times: the sender's claim and status check make a surplus job a no-op.
 */
export async function sweepOutbox(
  deps: Pick<AppDeps, 'db' | 'database' | 'clock' | 'queues' | 'logger' | 'health'>,
  limit = 200,
  stragglerAgeMs = STRAGGLER_AGE_MS,
): Promise<{ requeued: number }> {
  const now = deps.clock.now();
  const ids = await findDueStragglerIds(deps.db, now, new Date(now.getTime() - stragglerAgeMs), limit);
  let requeued = 0;
  for (const id of ids) {
    try {
      await requeue(deps, id);
      requeued += 1;
    } catch (err) {
      // One row's trouble (a job being re-added right now) must not stop the sweep.
      reportEnqueueFailure(deps, err, { outboxId: id }, 'outbox sweep could not re-enqueue');
    }
  }
  if (requeued > 0) deps.logger.info({ requeued }, 'outbox sweep re-enqueued emails');
  return { requeued };
}

/**
 * BullMQ ignores an add whose jobId still exists, also when that job has
 * already finished (kept for inspection, docs/reliability.md#job-ids-dedupe-only-while-the-job-exists). A finished job
 * for a row that is still pending and due ran too early or gave up, so it is
 * removed and the row gets a fresh job; an active or waiting one is left alone.
 */
async function requeue(deps: Pick<AppDeps, 'queues' | 'database'>, outboxId: number): Promise<void> {
  const queue = deps.queues[sendEmailJob.queue];
  const jobId = scopedJobId(deps.database, sendEmailJobId(outboxId));
  const state = await queue.getJobState(jobId);
  if (state === 'completed' || state === 'failed') await queue.remove(jobId);
  await scheduleSendJob(deps, outboxId);
}
