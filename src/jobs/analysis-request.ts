import type { JobsOptions } from 'bullmq';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import type { DbOrTx } from '../db/client.js';
import { selectRows, withDeadline } from '../db/client.js';
import { runners } from '../db/schema/index.js';
import { reportEnqueueFailure } from './enqueue-failure.js';
import { scopeJobOptions } from './job-ids.js';

/**
 * Requests for a runner analysis (docs/webhooks.md). The processor lives in
 * `jobs/analyze-runner/`; this module only owns how the job is requested, so
 * the webhook, the sweeper and the processor agree on name, payload and dedupe.
 */
export const ANALYZE_RUNNER_JOB = 'analyze-runner';
export const ANALYSIS_QUEUE = 'analysis' as const;

export const ZAnalyzeRunnerPayload = z.object({ runnerId: z.uuid() });
export type AnalyzeRunnerPayload = z.infer<typeof ZAnalyzeRunnerPayload>;

/**
 * How long a request that arrives while the runner's analysis is running or due waits before its
 * follow-up analysis starts, so a burst of events costs at most two analyses
 * (docs/analysis-latency.md). A request with nothing running or due starts at once.
 */
export const ANALYSIS_COALESCE_MS = 3_000;
export const ANALYSIS_ATTEMPTS = 5;
/** The producer connection fails fast when Redis is down; this bounds a slow (paused) Redis too. */
const ENQUEUE_DEADLINE_MS = 300;

/** `immediate`: nothing was running or due for the runner, so the analysis starts now. */
export type AnalysisTiming = { immediate: boolean };

/**
 * Connect backfills are interactive: BullMQ takes jobs without a priority before any prioritized
 * one, so re-analyses carry one (docs/strava-quota.md#interactive-work-first).
 */
export type AnalysisPriority = 'interactive' | 'background';
const BACKGROUND_PRIORITY = 10;

export type AnalysisRequest = { timing?: AnalysisTiming; priority?: AnalysisPriority };

/**
 * At most one waiting and one active analysis per runner: adds while one is
 * waiting or delayed are dropped (the id is namespaced when added, docs/job-ids.md), an add while
 * one runs is kept as the single follow-up (BullMQ `keepLastIfActive`, created when the active one
 * finishes), so two analyses of a runner never overlap. A coalesced request waits
 * ANALYSIS_COALESCE_MS; an immediate one has no delay and also pulls a delayed
 * follow-up forward (`reschedule`).
 */
export function analyzeRunnerJobOptions(
  { runnerId }: AnalyzeRunnerPayload,
  { timing = { immediate: false }, priority = 'background' }: AnalysisRequest = {},
): JobsOptions {
  return {
    ...(priority === 'background' ? { priority: BACKGROUND_PRIORITY } : {}),
    delay: timing.immediate ? 0 : ANALYSIS_COALESCE_MS,
    deduplication: {
      id: `analyze-${runnerId}`,
      keepLastIfActive: true,
      ...(timing.immediate ? { reschedule: true } : {}),
    },
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
 * Returns the timing for `enqueueAnalysis`: immediate unless an analysis was
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

/**
 * Volatile half: the job. Never throws: a failed add is logged and left to
 * the sweeper (the due mark is already committed). Returns whether the add
 * reached Redis.
 */
export async function enqueueAnalysis(
  deps: AppDeps,
  runnerId: string,
  reason: string,
  request: AnalysisRequest = {},
): Promise<boolean> {
  const payload = ZAnalyzeRunnerPayload.parse({ runnerId });
  try {
    await withDeadline(
      deps.queues[ANALYSIS_QUEUE].add(
        ANALYZE_RUNNER_JOB,
        payload,
        scopeJobOptions(deps.database, analyzeRunnerJobOptions(payload, request)),
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
 * transaction use `markAnalysisDue(tx, …)` and call `enqueueAnalysis` with its
 * timing after commit instead, so no transaction waits on Redis.
 */
export async function requestAnalysis(deps: AppDeps, runnerId: string, reason: string): Promise<boolean> {
  const timing = await markAnalysisDue(deps.db, runnerId, deps.clock.now());
  return enqueueAnalysis(deps, runnerId, reason, { timing });
}
