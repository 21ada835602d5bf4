import { lockRunnerState } from '../db/locks.js';
import { insertCheckIn } from '../db/repositories/checkins.js';
import { insertOutboxRows } from '../db/repositories/email-outbox.js';
import { loadPlanHistory } from '../db/repositories/plans.js';
import { loadRunnerTimezone } from '../db/repositories/runners.js';
import { type PlanJson, toPlanJson } from '../domain/plan-view.js';
import type { Feeling } from '../domain/types.js';
import { scheduleSendJobs } from '../email/outbox/schedule-send-job.js';
import { advancePlan } from './analysis/advance-plan.js';
import type { AppDeps } from './deps.js';

export type CheckInSource = 'page' | 'api' | 'email';

export type RecordedCheckIn = {
  checkIn: { id: string; feeling: Feeling; source: CheckInSource; at: string };
  plan: PlanJson;
};

/**
 * Records how the runner's knee feels and moves the plan at once (docs/contract.md#journeys
 * journey 3): a `fine` may taper it, pain over 7 days raises `seePhysio`.
 * Check-in, plan version and any email row commit together, under the same
 * per-runner advisory lock as analyses so the two never interleave. Emails
 * are enqueued after commit. Null when the runner no longer exists.
 */
export async function recordCheckIn(
  deps: AppDeps,
  runnerId: string,
  feeling: Feeling,
  source: CheckInSource,
): Promise<RecordedCheckIn | null> {
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    await lockRunnerState(tx, runnerId);
    const timeZone = await loadRunnerTimezone(tx, runnerId);
    if (timeZone === undefined) return null;
    const row = await insertCheckIn(tx, { runnerId, feeling, source, at: now });
    const advance = await advancePlan(tx, runnerId, [], now, timeZone);
    const outboxIds = await insertOutboxRows(tx, runnerId, advance.emails, now);
    const history = await loadPlanHistory(tx, runnerId);
    const recorded: RecordedCheckIn = {
      checkIn: { id: String(row.id), feeling, source, at: row.at.toISOString() },
      plan: toPlanJson(advance.plan, history),
    };
    return { recorded, outboxIds };
  });
  if (!result) return null;
  await scheduleSendJobs(deps, result.outboxIds);
  deps.logger.info({ runnerId, source }, 'check-in recorded');
  return result.recorded;
}
