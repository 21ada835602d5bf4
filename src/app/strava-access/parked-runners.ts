import { isNotNull, sql } from 'drizzle-orm';
import { withDeadline } from '../../db/client.js';
import { runners, STRAVA_REFUSALS } from '../../db/schema/index.js';
import type { AppDeps } from '../deps.js';

/** Runners parked per reason, sampled at scrape time; an unreachable database keeps the last values. */
export async function sampleParkedRunners({ db, metrics }: Pick<AppDeps, 'db' | 'metrics'>): Promise<void> {
  try {
    const rows = await withDeadline(
      db
        .select({ reason: runners.stravaRefusal, n: sql<number>`count(*)::int` })
        .from(runners)
        .where(isNotNull(runners.stravaRefusal))
        .groupBy(runners.stravaRefusal),
      500,
      'parked runners count',
    );
    const counts = new Map(rows.map((r) => [r.reason, Number(r.n)]));
    for (const reason of STRAVA_REFUSALS) metrics.parkedRunners.set({ reason }, counts.get(reason) ?? 0);
  } catch {
    // Readiness reports the outage; metrics keep their last sample.
  }
}
