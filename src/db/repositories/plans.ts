import { asc, desc, eq, sql } from 'drizzle-orm';
import type { PlanState } from '../../domain/plan/types.js';
import { planStateFromJson, planStateToJson } from '../../domain/plan.js';
import type { CheckIn } from '../../domain/types.js';
import { type DbOrTx, selectRows } from '../client.js';
import { checkIns, planVersions, runners } from '../schema/index.js';

export async function loadCurrentPlan(db: DbOrTx, runnerId: string): Promise<PlanState | null> {
  const [row] = await db
    .select({ state: planVersions.state })
    .from(planVersions)
    .where(eq(planVersions.runnerId, runnerId))
    .orderBy(desc(planVersions.version))
    .limit(1);
  return row ? planStateFromJson(row.state) : null;
}

export async function loadPlanHistory(db: DbOrTx, runnerId: string) {
  return db
    .select({
      version: planVersions.version,
      phase: planVersions.phase,
      sessionsPerWeek: planVersions.sessionsPerWeek,
      since: planVersions.since,
      reasons: planVersions.reasons,
    })
    .from(planVersions)
    .where(eq(planVersions.runnerId, runnerId))
    .orderBy(asc(planVersions.version));
}

/** Stores a new plan version; the unique (runner, version) key makes a racing duplicate fail loudly. */
export async function insertPlanVersion(tx: DbOrTx, runnerId: string, plan: PlanState): Promise<number> {
  const [row] = await tx
    .insert(planVersions)
    .values({
      runnerId,
      version: plan.version,
      phase: plan.phase,
      sessionsPerWeek: plan.sessionsPerWeek,
      since: plan.since,
      reasons: plan.reasons,
      state: planStateToJson(plan) as unknown as Record<string, unknown>,
    })
    .returning({ id: planVersions.id });
  return row!.id;
}

/** Refreshes derived fields (doses, seePhysio, nextReview) of the current version without a new one. */
export async function updateCurrentPlanState(tx: DbOrTx, runnerId: string, plan: PlanState): Promise<void> {
  const [row] = await tx
    .select({ id: planVersions.id })
    .from(planVersions)
    .where(eq(planVersions.runnerId, runnerId))
    .orderBy(desc(planVersions.version))
    .limit(1);
  if (!row) return;
  await tx
    .update(planVersions)
    .set({ state: planStateToJson(plan) as unknown as Record<string, unknown> })
    .where(eq(planVersions.id, row.id));
}

export async function loadCheckIns(db: DbOrTx, runnerId: string): Promise<CheckIn[]> {
  const rows = await db
    .select({ feeling: checkIns.feeling, at: checkIns.at })
    .from(checkIns)
    .where(eq(checkIns.runnerId, runnerId));
  return rows;
}

/**
 * Connected runners whose plan is due for review: the newest version per runner, kept when its
 * nextReview (ISO text in the state json) has passed.
 */
export async function loadPlansDueForReview(
  db: DbOrTx,
  now: Date,
  limit: number,
): Promise<{ runner_id: string; timezone: string }[]> {
  return selectRows<{ runner_id: string; timezone: string }>(
    db,
    sql`
    select runner_id, timezone from (
      select distinct on (pv.runner_id) pv.runner_id, r.timezone, (pv.state->>'nextReview')::timestamptz as next_review
      from ${planVersions} pv join ${runners} r on r.id = pv.runner_id and r.disconnected_at is null
      order by pv.runner_id, pv.version desc
    ) latest
    where next_review <= ${now}
    limit ${limit}`,
  );
}
