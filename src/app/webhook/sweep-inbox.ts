import { and, asc, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import { runners, webhookInbox } from '../../db/schema/index.js';
import { enqueueAnalysis } from '../../jobs/analysis-request.js';
import { reenqueueStravaEvent } from '../../jobs/strava-event/enqueue.js';
import type { AppDeps } from '../deps.js';

export type SweepOptions = { staleAfterMs: number; limit: number };
export type SweepResult = { events: number; eventsAdded: number; analyses: number; analysesAdded: number };

/**
 * Redis is only a work list (reliability.md A.8): whatever Postgres says is
 * unfinished gets a job again. Inbox rows still `received` after
 * `staleAfterMs`, and runners whose analysis has been due that long, are
 * re-enqueued. Both adds are idempotent (same job id; per-runner dedupe), so
 * sweeping work that is merely slow costs nothing. Batches are bounded; a
 * backlog drains over successive runs, oldest first.
 */
export async function sweepInbox(deps: AppDeps, { staleAfterMs, limit }: SweepOptions): Promise<SweepResult> {
  const cutoff = new Date(deps.clock.now().getTime() - staleAfterMs);
  const stale = await deps.db
    .select({ eventKey: webhookInbox.eventKey })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.status, 'received'), lt(webhookInbox.receivedAt, cutoff)))
    .orderBy(asc(webhookInbox.receivedAt))
    .limit(limit);
  let eventsAdded = 0;
  for (const { eventKey } of stale) {
    if ((await reenqueueStravaEvent(deps, eventKey)) === 'added') eventsAdded++;
  }

  const due = await deps.db
    .select({ id: runners.id })
    .from(runners)
    // A disconnected runner's analysis is skipped without clearing the mark: re-adding it would loop forever.
    .where(
      and(
        isNotNull(runners.analysisDueAt),
        lt(runners.analysisDueAt, cutoff),
        isNull(runners.disconnectedAt),
      ),
    )
    .orderBy(asc(runners.analysisDueAt))
    .limit(limit);
  let analysesAdded = 0;
  for (const { id } of due) {
    if (await enqueueAnalysis(deps, id, 'sweep')) analysesAdded++;
  }
  if (eventsAdded > 0 || due.length > 0) {
    deps.logger.info(
      { events: stale.length, eventsAdded, analyses: due.length },
      'inbox sweep re-enqueued work',
    );
  }
  return { events: stale.length, eventsAdded, analyses: due.length, analysesAdded };
}
