import { lockRunnerState } from '../../db/locks.js';
import { insertOutboxRows } from '../../db/repositories/email-outbox.js';
import { loadPlansDueForReview } from '../../db/repositories/plans.js';
import type { AppDeps } from '../deps.js';
import { advancePlan } from './advance-plan.js';

/**
 * Applies time-based plan transitions (taper, maintenance, weekly hold
 * progression) for runners whose plan is due for review (docs/plan.md). Runs daily
 * and is safe to run any number of times: `nextPlan` is idempotent at a given
 * time, and each version's email has a unique dedupe key.
 */
export async function reviewDuePlans(
  deps: AppDeps,
  limit = 500,
): Promise<{ reviewed: number; outboxIds: number[] }> {
  const now = deps.clock.now();
  const due = await loadPlansDueForReview(deps.db, now, limit);
  const outboxIds: number[] = [];
  for (const row of due) {
    const ids = await deps.db.transaction(async (tx) => {
      await lockRunnerState(tx, row.runner_id);
      const { emails } = await advancePlan(tx, row.runner_id, [], now, row.timezone);
      return insertOutboxRows(tx, row.runner_id, emails, now);
    });
    outboxIds.push(...ids);
  }
  return { reviewed: due.length, outboxIds };
}
