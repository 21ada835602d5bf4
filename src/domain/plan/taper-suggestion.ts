import { PLAN_RULES } from './rules.js';
import { addDays } from './time.js';
import type { PlanState } from './types.js';

/**
 * True when the taper suggestion email fits: the plan (as `nextPlan` just returned it) is still
 * `daily` 14 or more days after its version began, so only a `fine` check-in is missing (or the
 * 21-day fallback). Send at most one per plan version (e.g. dedupe key `taper-suggest:<runner>:v<version>`).
 */
export function taperSuggestionDue(plan: Pick<PlanState, 'phase' | 'since'>, asOf: Date): boolean {
  return plan.phase === 'daily' && asOf.getTime() >= addDays(plan.since, PLAN_RULES.dailyDays).getTime();
}
