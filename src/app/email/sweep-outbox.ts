import { and, asc, eq, isNull, lte, or } from 'drizzle-orm';
import { emailOutbox } from '../../db/schema/index.js';
import type { AppDeps } from '../deps.js';
import { reportEnqueueFailure } from '../queue/report-enqueue-failure.js';

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
  const rows = await deps.db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.status, 'pending'),
        lte(emailOutbox.nextAttemptAt, now),
        // A send in flight holds its claim; a claim that ran out (its sender died) is fair game.
        or(isNull(emailOutbox.claimedUntil), lte(emailOutbox.claimedUntil, now)),
        lte(emailOutbox.createdAt, new Date(now.getTime() - stragglerAgeMs)),
      ),
    )
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(limit);
  let requeued = 0;
  for (const { id } of rows) {
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
