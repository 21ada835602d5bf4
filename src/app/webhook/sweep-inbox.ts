import { loadRunnersDueForAnalysis } from '../../db/repositories/runners.js';
import { loadStaleInboxKeys } from '../../db/repositories/webhook-inbox.js';
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
  const stale = await loadStaleInboxKeys(deps.db, cutoff, limit);
  let eventsAdded = 0;
  for (const eventKey of stale) {
    if ((await deps.jobs.reenqueueStravaEvent(eventKey)) === 'added') eventsAdded++;
  }

  const due = await loadRunnersDueForAnalysis(deps.db, cutoff, now, limit);
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
