import { sql } from 'drizzle-orm';
import { selectRows } from '../../db/client.js';
import { lockRunnerState } from '../../db/locks.js';
import { insertOutboxRows } from '../../db/repositories/email-outbox.js';
import { planVersions, runners } from '../../db/schema/index.js';
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
  // The newest version per runner, kept when its nextReview (ISO text in the state json) has passed.
  const due = await selectRows<{ runner_id: string; timezone: string }>(
    deps.db,
    sql`
    select runner_id, timezone from (
      select distinct on (pv.runner_id) pv.runner_id, r.timezone, (pv.state->>'nextReview')::timestamptz as next_review
      from ${planVersions} pv join ${runners} r on r.id = pv.runner_id and r.disconnected_at is null
      order by pv.runner_id, pv.version desc
    ) latest
    where next_review <= ${now}
    limit ${limit}`,
  );
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
