import { and, asc, isNull, lte, or } from 'drizzle-orm';
import { stravaRevocations } from '../../db/schema/index.js';
import type { AppDeps } from '../deps.js';

/**
 * Redis is only a work list: pending revocations that are due and not being
 * attempted get their job again (same id per attempt, so a job still waiting
 * absorbs the add). Rows past their window are due too: the attempt deletes them.
 */
export async function sweepRevocations(deps: AppDeps, limit = 100): Promise<{ requeued: number }> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ id: stravaRevocations.id, attempts: stravaRevocations.attempts })
    .from(stravaRevocations)
    .where(
      and(
        or(lte(stravaRevocations.nextAttemptAt, now), lte(stravaRevocations.giveUpAt, now)),
        or(isNull(stravaRevocations.claimedUntil), lte(stravaRevocations.claimedUntil, now)),
      ),
    )
    .orderBy(asc(stravaRevocations.nextAttemptAt))
    .limit(limit);
  for (const row of due) await deps.jobs.enqueueRevocation(row.id, row.attempts + 1, now);
  return { requeued: due.length };
}
