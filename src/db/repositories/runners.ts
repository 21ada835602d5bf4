import { and, asc, eq, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Units } from '../../domain/types.js';
import type { DbOrTx } from '../client.js';
import { runners } from '../schema/index.js';

export type RunnerRow = typeof runners.$inferSelect;

export async function loadRunner(db: DbOrTx, runnerId: string): Promise<RunnerRow | undefined> {
  const [row] = await db.select().from(runners).where(eq(runners.id, runnerId));
  return row;
}

export async function runnerExists(db: DbOrTx, runnerId: string): Promise<boolean> {
  const [row] = await db.select({ id: runners.id }).from(runners).where(eq(runners.id, runnerId));
  return row !== undefined;
}

/** When the runner first connected (the plan starts there); undefined when the runner is gone. */
export async function loadRunnerConnectedAt(db: DbOrTx, runnerId: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ connectedAt: runners.connectedAt })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return row?.connectedAt;
}

export async function loadRunnerTimezone(db: DbOrTx, runnerId: string): Promise<string | undefined> {
  const [row] = await db.select({ timeZone: runners.timezone }).from(runners).where(eq(runners.id, runnerId));
  return row?.timeZone;
}

/**
 * Runners whose analysis has been due since before `cutoff`. A disconnected runner's analysis is
 * skipped without clearing the mark: re-adding it would loop forever. A runner backing off from
 * Strava failures comes back once the backoff ends (docs/strava-quota.md). Longest due first.
 */
export async function loadRunnersDueForAnalysis(db: DbOrTx, cutoff: Date, now: Date, limit: number) {
  return db
    .select({ id: runners.id, lastAnalyzedAt: runners.lastAnalyzedAt })
    .from(runners)
    .where(
      and(
        isNotNull(runners.analysisDueAt),
        lt(runners.analysisDueAt, cutoff),
        isNull(runners.disconnectedAt),
        or(isNull(runners.stravaRetryAt), lte(runners.stravaRetryAt, now)),
      ),
    )
    .orderBy(asc(runners.analysisDueAt))
    .limit(limit);
}

/** The athlete's runner row, if any, locked until the transaction ends (a connect upserts it next). */
export async function lockRunnerByAthlete(
  tx: DbOrTx,
  athleteId: string,
): Promise<{ disconnectedAt: Date | null; scopes: string } | undefined> {
  const [row] = await tx
    .select({ disconnectedAt: runners.disconnectedAt, scopes: runners.scopes })
    .from(runners)
    .where(eq(runners.athleteId, athleteId))
    .for('update');
  return row;
}

export type ConnectingAthlete = { athleteId: string; firstname: string; units: Units; scopes: string };

/**
 * Inserts the runner by athlete id, or on a reconnect updates name and scopes and clears every
 * parking and backoff mark (keeping settings and `connected_at`). `created` tells the two apart.
 */
export async function upsertConnectingRunner(
  tx: DbOrTx,
  athlete: ConnectingAthlete,
  now: Date,
): Promise<{ id: string; emailVerifiedAt: Date | null; created: boolean }> {
  const [row] = await tx
    .insert(runners)
    .values({
      athleteId: athlete.athleteId,
      firstname: athlete.firstname,
      units: athlete.units,
      scopes: athlete.scopes,
      connectedAt: now,
      backfillStatus: 'pending',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: runners.athleteId,
      set: {
        firstname: athlete.firstname,
        scopes: athlete.scopes,
        disconnectedAt: null,
        stravaRefusal: null,
        stravaFailures: 0,
        stravaRetryAt: null,
        backfillStatus: 'pending',
        updatedAt: now,
      },
    })
    // xmax = 0 only for a freshly inserted row: tells a first connect from a reconnect.
    .returning({
      id: runners.id,
      emailVerifiedAt: runners.emailVerifiedAt,
      created: sql<boolean>`(xmax = 0)`,
    });
  return { id: row!.id, emailVerifiedAt: row!.emailVerifiedAt, created: Boolean(row!.created) };
}

/** The next read is the one that ends a connect (docs/alerts.md#what-may-alert). */
export async function clearConnectRead(tx: DbOrTx, runnerId: string): Promise<void> {
  await tx.update(runners).set({ connectReadAt: null }).where(eq(runners.id, runnerId));
}

/** Stored tokens from a code exchange make the runner connected again. */
export async function clearRunnerDisconnected(tx: DbOrTx, runnerId: string): Promise<void> {
  await tx.update(runners).set({ disconnectedAt: null }).where(eq(runners.id, runnerId));
}

/** Strava refused the runner's tokens: disconnected from now, unless already. */
export async function markRunnerDisconnected(db: DbOrTx, runnerId: string, now: Date): Promise<void> {
  await db
    .update(runners)
    .set({ disconnectedAt: now, updatedAt: now })
    .where(and(eq(runners.id, runnerId), isNull(runners.disconnectedAt)));
}

/** Bumps the runner's link version; returns the new one (null when the runner is gone). */
export async function bumpLinkVersion(db: DbOrTx, runnerId: string, now: Date): Promise<number | null> {
  const [row] = await db
    .update(runners)
    .set({ linkVersion: sql`${runners.linkVersion} + 1`, updatedAt: now })
    .where(eq(runners.id, runnerId))
    .returning({ linkVersion: runners.linkVersion });
  return row?.linkVersion ?? null;
}

export type CommittedAnalysis = {
  timeZone: string;
  readStartedAt: Date;
  /** This read ended a connect: it becomes the runner's `connect_read_at`. */
  connectRead: boolean;
  runs: number;
};

/**
 * Records a committed analysis on the runner row. A request that arrived after this read
 * started stays due: its change may not be in this read.
 */
export async function recordAnalysisCommitted(
  tx: DbOrTx,
  runnerId: string,
  analysis: CommittedAnalysis,
): Promise<void> {
  const { readStartedAt } = analysis;
  await tx
    .update(runners)
    .set({
      timezone: analysis.timeZone,
      lastAnalyzedAt: readStartedAt,
      ...(analysis.connectRead ? { connectReadAt: readStartedAt } : {}),
      backfillStatus: 'done',
      backfillRuns: analysis.runs,
      updatedAt: readStartedAt,
      analysisDueAt: sql`case when ${runners.analysisDueAt} <= ${readStartedAt} then null else ${runners.analysisDueAt} end`,
    })
    .where(eq(runners.id, runnerId));
}
