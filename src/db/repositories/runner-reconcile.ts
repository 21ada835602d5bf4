import { and, isNull, lt, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners } from '../schema/index.js';

/**
 * Connected runners not analysed since `cutoff`, least recently analysed first, at most `limit`
 * (docs/webhooks.md#reconciliation). Runners backing off from Strava failures are left out: their
 * retry is already scheduled.
 */
export async function findRunnersToReconcile(
  db: DbOrTx,
  { cutoff, now, limit }: { cutoff: Date; now: Date; limit: number },
): Promise<string[]> {
  const stale = await db
    .select({ id: runners.id })
    .from(runners)
    .where(
      and(
        isNull(runners.disconnectedAt),
        or(isNull(runners.lastAnalyzedAt), lt(runners.lastAnalyzedAt, cutoff)),
        or(isNull(runners.stravaRetryAt), lte(runners.stravaRetryAt, now)),
      ),
    )
    .orderBy(runners.lastAnalyzedAt)
    .limit(limit);
  return stale.map(({ id }) => id);
}
