import { analyzeRunner } from '../../app/analysis/analyze-runner.js';
import type { AppDeps } from '../../app/deps.js';
import { refusalOf } from '../../app/strava-access/classify-refusal.js';
import { parkRunner } from '../../app/strava-access/park-runner.js';
import {
  clearTransientFailures,
  recordTransientFailure,
} from '../../app/strava-access/transient-failures.js';
import { readAnalysisStravaState } from '../../db/repositories/analysis-due.js';
import { scheduleSendJobs } from '../../email/outbox/schedule-send-job.js';
import { withStravaPurpose } from '../../integrations/strava/call-purpose.js';
import { deferForRateLimit } from '../../integrations/strava/defer.js';
import { StravaAuthError, StravaRateLimitError } from '../../integrations/strava/errors.js';
import { AppError } from '../../shared/errors.js';
import { ANALYZE_RUNNER_JOB, analyzeRunnerJobOptions, ZAnalyzeRunnerPayload } from '../analysis-request.js';
import { defineJob } from '../definition.js';

/**
 * The per-runner analysis (docs/webhooks.md). Enqueued at once when nothing is running
 * or due for the runner, else as the single coalesced follow-up (BullMQ
 * deduplication with `keepLastIfActive`, docs/analysis-latency.md), so a burst
 * of events costs at most two analyses and one runner's analyses never overlap.
 *
 * Failures (docs/strava-quota.md): a rate limit defers the job to Strava's next
 * window; a refusal retrying cannot fix parks the runner; any other failure
 * backs off on the runner row and parks at the limit. Only a failure that
 * cannot even be recorded (the database is down) is left to BullMQ's retries.
 */
export const analyzeRunnerJob = defineJob({
  queue: 'analysis',
  name: ANALYZE_RUNNER_JOB,
  schema: ZAnalyzeRunnerPayload,
  options: analyzeRunnerJobOptions,
  async process({ runnerId }, ctx) {
    const { deps } = ctx;
    const state = await readAnalysisStravaState(deps.db, runnerId);
    if (!state) return { outcome: 'skipped', detail: 'runner deleted' };
    // Backing off: no call now. The due mark stays; the sweeper brings the runner back at retryAt.
    if (state.retryAt && state.retryAt.getTime() > deps.clock.now().getTime()) {
      return { outcome: 'skipped', detail: `backing off until ${state.retryAt.toISOString()}` };
    }
    try {
      const purpose = state.firstRead ? 'backfill' : 'event_analysis';
      const result = await withStravaPurpose(purpose, () =>
        analyzeRunner(deps, runnerId, async (page, runsSoFar) => {
          deps.logger.debug({ runnerId, page, runsSoFar }, 'analysis page read');
        }),
      );
      // A runner who left: the record naming them goes at once (docs/disconnect.md).
      if (result.outcome === 'skipped')
        return { outcome: 'skipped', detail: result.reason, forget: result.reason === 'runner deleted' };
      if (state.failures > 0) await clearTransientFailures(deps, runnerId);
      await scheduleSendJobs(deps, result.outboxIds);
      return { outcome: 'done', detail: `${result.runs} runs, ${result.detections} new detections` };
    } catch (err) {
      // Strava said no for now: defer the whole queue to the next window instead of burning retries.
      if (err instanceof StravaRateLimitError) return deferForRateLimit(err, ctx);
      const refusal = refusalOf(err);
      if (refusal !== null) {
        // "Not connected" is our own verdict (no tokens stored), not Strava's: park, but say nothing.
        const fromStrava = !(err instanceof StravaAuthError && err.failure === 'not_connected');
        await parkRunner(deps, runnerId, refusal, { notify: fromStrava });
        return { outcome: 'skipped', detail: `runner parked: ${refusal}` };
      }
      return backOff(deps, runnerId, err);
    }
  },
});

async function backOff(deps: AppDeps, runnerId: string, err: unknown) {
  const message = err instanceof Error ? err.message : String(err);
  // Strava's failures are expected weather; anything else is a bug or an outage of ours.
  if (!(err instanceof AppError)) deps.logger.error({ runnerId, err: { message } }, 'analysis failed');
  const outcome = await recordTransientFailure(deps, runnerId).catch(() => {
    throw err; // the database is down too: BullMQ's retries, then the sweeper, take over
  });
  return {
    outcome: 'skipped' as const,
    detail: outcome.parked
      ? `runner parked: strava_failing after ${outcome.failures} failures (${message})`
      : `failure ${outcome.failures}, next try after ${outcome.retryAt.toISOString()} (${message})`,
  };
}
