import { z } from 'zod';
import { markAnalysisDue } from '../../db/repositories/analysis-due.js';
import { findRunnersToReconcile } from '../../db/repositories/runner-reconcile.js';
import { DAY_MS } from '../../domain/duration.js';
import { defineJob } from '../definition.js';

/**
 * A runner not analysed for this long gets a fresh read of their window. A day: a run whose
 * event was lost (rare: Strava retries) is found within a day, and a runner who runs daily
 * costs no reconciliation read at all (docs/strava-quota.md#what-a-runner-costs-per-day).
 */
export const RECONCILE_AFTER_MS = DAY_MS;
/** Per run (hourly): bounds the Strava calls reconciliation can spend in one go. */
const BATCH = 50;

/**
 * Reconciliation (docs/webhooks.md#reconciliation): Strava gives up on an event after three
 * attempts, so a run can arrive without any webhook. Each analysis reads the
 * whole window, so re-analysing runners not read for a day catches what a
 * lost event missed, at most one list call per runner per day.
 */
export const reconcileRunnersJob = defineJob({
  queue: 'maintenance',
  name: 'reconcile-runners',
  schema: z.object({}),
  options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 30_000 } }),
  async process(_data, { deps }) {
    const now = deps.clock.now();
    const cutoff = new Date(now.getTime() - RECONCILE_AFTER_MS);
    const stale = await findRunnersToReconcile(deps.db, { cutoff, now, limit: BATCH });
    for (const id of stale) {
      const timing = await markAnalysisDue(deps.db, id, deps.clock.now());
      await deps.jobs.requestAnalysis(id, { reason: 'reconcile', timing });
    }
    return { outcome: 'done', detail: `${stale.length} runners re-read` };
  },
});
