import { and, asc, eq, isNotNull, isNull, lt, lte, or } from 'drizzle-orm';
import { runners, webhookInbox } from '../../db/schema/index.js';
import type { AppDeps } from '../deps.js';

export type SweepOptions = { staleAfterMs: number; limit: number };
export type SweepResult = { events: number; eventsAdded: number; analyses: number; analysesAdded: number };

/**
 * Redis is only a work list (docs/webhooks.md#sweeper): whatever Postgres says is
 * unfinished gets a job again. Inbox rows still `received` after
 * `staleAfterMs`, and runners whose analysis has been due that long, are
 * re-enqueued. Both adds are idempotent (same job id; per-runner dedupe), so
 * sweeping work that is merely slow costs nothing. Batches are bounded; a
 * backlog drains over successive runs, oldest first.
 */
export async function sweepInbox(deps: AppDeps, { staleAfterMs, limit }: SweepOptions): Promise<SweepResult> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const stale = await deps.db
    .select({ eventKey: webhookInbox.eventKey })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.status, 'received'), lt(webhookInbox.receivedAt, cutoff)))
    .orderBy(asc(webhookInbox.receivedAt))
    .limit(limit);
  let eventsAdded = 0;
  for (const { eventKey } of stale) {
    if ((await deps.jobs.reenqueueStravaEvent(eventKey)) === 'added') eventsAdded++;
  }

  const due = await deps.db
    .select({ id: runners.id, lastAnalyzedAt: runners.lastAnalyzedAt })
    .from(runners)
    // A disconnected runner's analysis is skipped without clearing the mark: re-adding it would loop forever.
    // A runner backing off from Strava failures comes back once the backoff ends (docs/strava-quota.md).
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
  let analysesAdded = 0;
  for (const { id, lastAnalyzedAt } of due) {
    // A backfill whose job was lost is still a runner waiting for their first read.
    const priority = lastAnalyzedAt === null ? 'interactive' : 'background';
    if (await deps.jobs.requestAnalysis(id, { reason: 'sweep', priority })) analysesAdded++;
  }
  if (eventsAdded > 0 || due.length > 0) {
    deps.logger.info(
      { events: stale.length, eventsAdded, analyses: due.length },
      'inbox sweep re-enqueued work',
    );
  }
  return { events: stale.length, eventsAdded, analyses: due.length, analysesAdded };
}
