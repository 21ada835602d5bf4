import type { AppDeps } from '../../app/deps.js';
import { reportEnqueueFailure } from '../../app/queue/report-enqueue-failure.js';
import { findDueStragglerIds } from '../../db/repositories/email-outbox.js';

/** Fresh rows are enqueued by their producer right after commit; the sweeper only takes stragglers. */
const STRAGGLER_AGE_MS = 60_000;

/**
 * Re-enqueues pending outbox rows that are due (docs/webhooks.md#sweeper): rows whose
 * job was lost with Redis, whose enqueue failed after commit, or which waited
 * out the 24 h alert window or a retry delay. Safe to run anywhere, any number
 * of times: the sender's claim and status check make a surplus job a no-op.
 */
export async function sweepOutbox(
  deps: Pick<AppDeps, 'db' | 'clock' | 'jobs' | 'logger' | 'health'>,
  limit = 200,
  stragglerAgeMs = STRAGGLER_AGE_MS,
): Promise<{ requeued: number }> {
  const now = deps.clock.now();
  const ids = await findDueStragglerIds(deps.db, now, new Date(now.getTime() - stragglerAgeMs), limit);
  let requeued = 0;
  for (const id of ids) {
    try {
      await deps.jobs.requeueSendJob(id);
      requeued += 1;
    } catch (err) {
      // One row's trouble (a job being re-added right now) must not stop the sweep.
      reportEnqueueFailure(deps, err, { outboxId: id }, 'outbox sweep could not re-enqueue');
    }
  }
  if (requeued > 0) deps.logger.info({ requeued }, 'outbox sweep re-enqueued emails');
  return { requeued };
}
