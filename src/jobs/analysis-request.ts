import type { JobsOptions } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import type { DbOrTx } from '../db/client.js';
import { withDeadline } from '../db/client.js';
import { runners } from '../db/schema/index.js';
import { reportEnqueueFailure } from './enqueue-failure.js';
import { scopeJobOptions } from './job-ids.js';

/**
 * Requests for a runner analysis (SPEC §4). The processor lives in
 * `jobs/analyze-runner/`; this module only owns how the job is requested, so
 * the webhook, the sweeper and the processor agree on name, payload and dedupe.
 */
export const ANALYZE_RUNNER_JOB = 'analyze-runner';
export const ANALYSIS_QUEUE = 'analysis' as const;

export const ZAnalyzeRunnerPayload = z.object({ runnerId: z.uuid() });
export type AnalyzeRunnerPayload = z.infer<typeof ZAnalyzeRunnerPayload>;

/** A burst of events within this window becomes one analysis. */
export const ANALYSIS_DEBOUNCE_MS = 3_000;
export const ANALYSIS_ATTEMPTS = 5;
/** The producer connection fails fast when Redis is down; this bounds a slow (paused) Redis too. */
const ENQUEUE_DEADLINE_MS = 300;

/**
 * At most one waiting and one active analysis per runner: adds while one is
 * waiting are dropped (the id is namespaced when added, docs/job-ids.md), an add while one runs is kept as the single follow-up
 * (BullMQ `keepLastIfActive`), so two analyses of a runner never overlap.
 */
export function analyzeRunnerJobOptions({ runnerId }: AnalyzeRunnerPayload): JobsOptions {
  return {
    delay: ANALYSIS_DEBOUNCE_MS,
    deduplication: { id: `analyze-${runnerId}`, keepLastIfActive: true },
    attempts: ANALYSIS_ATTEMPTS,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
  };
}

/**
 * Durable half of a request: `analysis_due_at` survives a Redis wipe and the
 * inbox sweeper re-enqueues it. Always the latest request time, not the
 * first: the analysis clears it only when its Strava read started after it
 * (`analysis_due_at <= readStartedAt`), so a request arriving mid-analysis
 * stays due. Pass the caller's transaction to commit it with other writes.
 */
export async function markAnalysisDue(db: DbOrTx, runnerId: string, now: Date): Promise<void> {
  await db.update(runners).set({ analysisDueAt: now }).where(eq(runners.id, runnerId));
}

/**
 * Volatile half: the debounced job. Never throws: a failed add is logged and
 * left to the sweeper (the due mark is already committed). Returns whether
 * the add reached Redis.
 */
export async function enqueueAnalysis(deps: AppDeps, runnerId: string, reason: string): Promise<boolean> {
  const payload = ZAnalyzeRunnerPayload.parse({ runnerId });
  try {
    await withDeadline(
      deps.queues[ANALYSIS_QUEUE].add(
        ANALYZE_RUNNER_JOB,
        payload,
        scopeJobOptions(deps.database, analyzeRunnerJobOptions(payload)),
      ),
      ENQUEUE_DEADLINE_MS,
      'analysis enqueue',
    );
    return true;
  } catch (err) {
    reportEnqueueFailure(
      deps,
      err,
      { runnerId, reason },
      'could not enqueue analysis; the inbox sweeper will retry',
    );
    return false;
  }
}

/**
 * Marks the runner's analysis due and enqueues it. Callers inside a
 * transaction use `markAnalysisDue(tx, …)` and call `enqueueAnalysis` after
 * commit instead, so no transaction waits on Redis.
 */
export async function requestAnalysis(deps: AppDeps, runnerId: string, reason: string): Promise<boolean> {
  await markAnalysisDue(deps.db, runnerId, deps.clock.now());
  return enqueueAnalysis(deps, runnerId, reason);
}
