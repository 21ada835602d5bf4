import type { DbOrTx } from '../../db/client.js';
import type { StoredDetection } from '../../db/repositories/detections.js';
import {
  insertPlanVersion,
  loadCheckIns,
  loadCurrentPlan,
  loadPlanHistory,
  updateCurrentPlanState,
} from '../../db/repositories/plans.js';
import type { PlanChange, PlanState } from '../../domain/plan/types.js';
import { nextPlan, taperSuggestionDue } from '../../domain/plan.js';
import { alertEmail, type PlannedEmail, taperEmail } from './plan-emails.js';

export type PlanAdvance = { plan: PlanState; change: PlanChange | null; emails: PlannedEmail[] };

/**
 * Moves a runner's plan forward at `asOf` inside the caller's transaction:
 * new triggers raise it, time and check-ins taper it (docs/plan.md). A new version
 * is stored with its reasons; the email it calls for is returned for the
 * caller to put in the outbox in the same transaction.
 */
export async function advancePlan(
  tx: DbOrTx,
  runnerId: string,
  triggers: readonly StoredDetection[],
  asOf: Date,
  timeZone: string,
): Promise<PlanAdvance> {
  const current = await loadCurrentPlan(tx, runnerId);
  const checkIns = await loadCheckIns(tx, runnerId);
  const planTriggers = triggers.map((d) => ({
    id: d.id,
    kind: d.kind,
    severity: d.severity,
    occurredAt: d.occurredAt,
  }));
  const { plan, change } = nextPlan({ current, detections: planTriggers, checkIns, asOf, timeZone });
  if (!change) {
    if (current) await updateCurrentPlanState(tx, runnerId, plan);
    // Still daily after 14 days: only a "fine" check-in is missing, so ask for one (once per version).
    const suggest = current !== null && taperSuggestionDue(plan, asOf);
    const emails = suggest ? [taperEmail(runnerId, plan, await loadPlanHistory(tx, runnerId), timeZone)] : [];
    return { plan, change, emails };
  }
  await insertPlanVersion(tx, runnerId, plan);
  const history = await loadPlanHistory(tx, runnerId);
  const emails: PlannedEmail[] = [];
  if (change.alert) {
    const reasons = new Set(change.reasons);
    emails.push(
      alertEmail(
        runnerId,
        change,
        plan,
        history,
        triggers.filter((t) => reasons.has(t.id)),
        timeZone,
      ),
    );
  } else if (change.kind === 'tapered' || change.kind === 'maintenance') {
    emails.push(taperEmail(runnerId, plan, history, timeZone));
  }
  return { plan, change, emails };
}
