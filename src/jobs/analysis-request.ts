import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { AnalysisRequest } from '../app/queue/job-queue.js';
import { ANALYSIS_COALESCE_MS } from '../db/repositories/analysis-due.js';

/**
 * How a runner analysis is requested (docs/webhooks.md): name, payload and dedupe. The processor
 * lives in `jobs/analyze-runner/job.ts`, the add in `jobs/analyze-runner/enqueue.ts`; use cases
 * ask through `deps.jobs.requestAnalysis`.
 */
export const ANALYZE_RUNNER_JOB = 'analyze-runner';

export const ZAnalyzeRunnerPayload = z.object({ runnerId: z.uuid() });
export type AnalyzeRunnerPayload = z.infer<typeof ZAnalyzeRunnerPayload>;

export const ANALYSIS_ATTEMPTS = 5;
/** Re-analyses wait behind connect backfills, which carry no priority (docs/strava-quota.md#interactive-work-first). */
const BACKGROUND_PRIORITY = 10;

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
  { timing = { immediate: false }, priority = 'background' }: Omit<AnalysisRequest, 'reason'> = {},
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
