import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { selectRows } from '../client.js';
import { runners } from '../schema/index.js';

/**
 * How long a request that arrives while the runner's analysis is running or due waits before its
 * follow-up analysis starts, so a burst of events costs at most two analyses
 * (docs/analysis-latency.md). A request with nothing running or due starts at once.
 */
export const ANALYSIS_COALESCE_MS = 3_000;

/** `immediate`: nothing was running or due for the runner, so the analysis starts now. */
export type AnalysisTiming = { immediate: boolean };

/**
 * Durable half of an analysis request: `analysis_due_at` survives a Redis wipe and the
 * inbox sweeper re-enqueues it. Always the latest request time, not the
 * first: the analysis clears it only when its Strava read started after it
 * (`analysis_due_at <= readStartedAt`), so a request arriving mid-analysis
 * stays due. Pass the caller's transaction to commit it with other writes.
 * Returns the timing for the job request: immediate unless an analysis was
 * already due (queued or running: the mark is cleared only at its commit) or
 * one read Strava less than ANALYSIS_COALESCE_MS ago (its job may still be
 * finishing, and a burst that straddles its commit must not start a third).
 */
export async function markAnalysisDue(db: DbOrTx, runnerId: string, now: Date): Promise<AnalysisTiming> {
  const recent = new Date(now.getTime() - ANALYSIS_COALESCE_MS);
  // The sub-select reads the row before this statement's update (and locks it against a concurrent mark).
  const rows = await selectRows<{ busy: boolean }>(
    db,
    sql`update ${runners} as r set analysis_due_at = ${now.toISOString()}::timestamptz
        from (select id, analysis_due_at, last_analyzed_at from ${runners} where id = ${runnerId} for update) as prior
        where r.id = prior.id
        returning (prior.analysis_due_at is not null
          or coalesce(prior.last_analyzed_at > ${recent.toISOString()}::timestamptz, false)) as busy`,
  );
  return { immediate: rows[0]?.busy !== true };
}

/** What the analysis job reads before calling Strava: first read or not, and the runner's backoff. */
export type AnalysisStravaState = { firstRead: boolean; failures: number; retryAt: Date | null };

/** Whether this is the connect backfill (the window was never read), and the backoff state. */
export async function readAnalysisStravaState(
  db: DbOrTx,
  runnerId: string,
): Promise<AnalysisStravaState | undefined> {
  const [row] = await db
    .select({
      lastAnalyzedAt: runners.lastAnalyzedAt,
      failures: runners.stravaFailures,
      retryAt: runners.stravaRetryAt,
    })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return row && { firstRead: row.lastAnalyzedAt === null, failures: row.failures, retryAt: row.retryAt };
}
