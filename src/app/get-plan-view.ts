import type { DbOrTx } from '../db/client.js';
import { loadCurrentPlan, loadPlanHistory } from '../db/repositories/plans.js';
import { loadRunnerConnectedAt } from '../db/repositories/runners.js';
import { initialPlan } from '../domain/plan.js';
import { type PlanJson, toPlanJson } from '../domain/plan-view.js';

/**
 * The runner's plan as `GET /api/plan` returns it (docs/plan.md). The plan starts
 * at connect (`connectRunner` stores version 1), so a stored plan normally
 * exists; for a runner connected before that rule, the initial plan from
 * `connected_at` is shown without being stored (the next analysis stores it).
 * Null when the runner does not exist.
 */
export async function getPlanView(db: DbOrTx, runnerId: string): Promise<PlanJson | null> {
  const current = await loadCurrentPlan(db, runnerId);
  if (current) return toPlanJson(current, await loadPlanHistory(db, runnerId));
  const connectedAt = await loadRunnerConnectedAt(db, runnerId);
  if (!connectedAt) return null;
  const plan = initialPlan(connectedAt);
  return toPlanJson(plan, [plan]);
}
