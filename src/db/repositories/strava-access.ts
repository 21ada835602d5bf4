import { and, count, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners, STRAVA_REFUSALS, type StravaRefusal } from '../schema/index.js';

/** Why a runner is parked: no Strava call until they reconnect (docs/strava-quota.md). */
export { STRAVA_REFUSALS, type StravaRefusal };

/**
 * Parks the runner unless already parked: the first reason recorded wins, the
 * due mark is cleared, an unfinished history read shows as failed. Returns the
 * parked runner, or undefined when it was already parked (or is gone).
 */
export async function parkRunnerRow(
  tx: DbOrTx,
  runnerId: string,
  refusal: StravaRefusal,
  now: Date,
): Promise<{ id: string; emailVerifiedAt: Date | null } | undefined> {
  const [row] = await tx
    .update(runners)
    .set({
      disconnectedAt: sql`coalesce(${runners.disconnectedAt}, ${now.toISOString()}::timestamptz)`,
      stravaRefusal: sql`coalesce(${runners.stravaRefusal}, ${refusal})`,
      analysisDueAt: null,
      backfillStatus: sql`case when ${runners.backfillStatus} = 'done' then 'done' else 'failed' end`,
      updatedAt: now,
    })
    .where(and(eq(runners.id, runnerId), sql`${runners.stravaRefusal} is null`))
    .returning({ id: runners.id, emailVerifiedAt: runners.emailVerifiedAt });
  return row;
}

/** A connect without an activity scope: parked at once, nothing due, the history read failed. */
export async function parkWithoutActivityScope(tx: DbOrTx, runnerId: string, now: Date): Promise<void> {
  await tx
    .update(runners)
    .set({
      disconnectedAt: now,
      stravaRefusal: 'activity_scope_missing',
      analysisDueAt: null,
      backfillStatus: 'failed',
    })
    .where(eq(runners.id, runnerId));
}

/** Parked runners per reason (reasons without any are absent). */
export function countParkedRunners(db: DbOrTx) {
  return db
    .select({ reason: runners.stravaRefusal, runners: sql<number>`count(*)::int` })
    .from(runners)
    .where(isNotNull(runners.stravaRefusal))
    .groupBy(runners.stravaRefusal);
}

/** Connected and not parked: the runners whose analyses read from Strava. */
export async function countReadingRunners(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(runners).where(isNull(runners.disconnectedAt));
  return Number(row?.n ?? 0);
}

/** Counts one more transient failure in a row; returns the new count (undefined when the runner is gone). */
export async function incrementStravaFailures(db: DbOrTx, runnerId: string): Promise<number | undefined> {
  const [row] = await db
    .update(runners)
    .set({ stravaFailures: sql`${runners.stravaFailures} + 1` })
    .where(eq(runners.id, runnerId))
    .returning({ failures: runners.stravaFailures });
  return row?.failures;
}

export async function setStravaRetryAt(db: DbOrTx, runnerId: string, retryAt: Date): Promise<void> {
  await db.update(runners).set({ stravaRetryAt: retryAt }).where(eq(runners.id, runnerId));
}

/** Ends the runner's backoff (only written when there was one). */
export async function clearStravaFailures(db: DbOrTx, runnerId: string): Promise<void> {
  await db
    .update(runners)
    .set({ stravaFailures: 0, stravaRetryAt: null })
    .where(and(eq(runners.id, runnerId), gt(runners.stravaFailures, 0)));
}
