import { loadDueRevocations } from '../../db/repositories/revocations.js';
import type { AppDeps } from '../deps.js';

/**
 * Redis is only a work list: pending revocations that are due and not being
 * attempted get their job again (same id per attempt, so a job still waiting
 * absorbs the add). Rows past their window are due too: the attempt deletes them.
 */
export async function sweepRevocations(deps: AppDeps, limit = 100): Promise<{ requeued: number }> {
  const now = deps.clock.now();
  const due = await loadDueRevocations(deps.db, now, limit);
  for (const row of due) await deps.jobs.enqueueRevocation(row.id, row.attempts + 1, now);
  return { requeued: due.length };
}
