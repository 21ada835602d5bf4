import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import { withDeadline } from '../db/client.js';
import {
  ANALYSIS_COALESCE_MS,
  type AnalysisTiming,
  markAnalysisDue,
} from '../db/repositories/analysis-due.js';
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

export const ANALYSIS_ATTEMPTS = 5;
/** The producer connection fails fast when Redis is down; this bounds a slow (paused) Redis too. */
const ENQUEUE_DEADLINE_MS = 300;

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
