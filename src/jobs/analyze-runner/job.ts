import { eq } from 'drizzle-orm';
import { analyzeRunner } from '../../app/analysis/analyze-runner.js';
import type { AppDeps } from '../../app/deps.js';
import { enqueueSendEmails } from '../../app/email/enqueue-send-email.js';
import { refusalOf } from '../../app/strava-access/classify-refusal.js';
import { parkRunner } from '../../app/strava-access/park-runner.js';
import { runners } from '../../db/schema/index.js';
import { withStravaPurpose } from '../../integrations/strava/call-purpose.js';
import { deferForRateLimit } from '../../integrations/strava/defer.js';
import { StravaRateLimitError } from '../../integrations/strava/errors.js';
import {
  ANALYSIS_ATTEMPTS,
  ANALYZE_RUNNER_JOB,
  analyzeRunnerJobOptions,
  ZAnalyzeRunnerPayload,
} from '../analysis-request.js';
import { defineJob } from '../definition.js';

/**
 * The per-runner analysis (SPEC §4). Enqueued by `requestAnalysis` with a
 * debounce delay and BullMQ deduplication (`keepLastIfActive`), so a burst of
 * events becomes one analysis and one runner's analyses never overlap.
 */
export const analyzeRunnerJob = defineJob({
  queue: 'analysis',
  name: ANALYZE_RUNNER_JOB,
  schema: ZAnalyzeRunnerPayload,
  options: analyzeRunnerJobOptions,
  async process({ runnerId }, ctx) {
    const { deps, attemptsMade } = ctx;
    try {
      const purpose = (await isFirstRead(deps, runnerId)) ? 'backfill' : 'event_analysis';
      const result = await withStravaPurpose(purpose, () =>
        analyzeRunner(deps, runnerId, async (page, runsSoFar) => {
          deps.logger.debug({ runnerId, page, runsSoFar }, 'analysis page read');
        }),
      );
      // A runner who left: the record naming them goes at once (docs/disconnect.md).
      if (result.outcome === 'skipped')
        return { outcome: 'skipped', detail: result.reason, forget: result.reason === 'runner deleted' };
      await enqueueSendEmails(deps, result.outboxIds);
      return { outcome: 'done', detail: `${result.runs} runs, ${result.detections} new detections` };
    } catch (err) {
      // Strava said no for now: defer the whole queue to the next window instead of burning retries.
      if (err instanceof StravaRateLimitError) return deferForRateLimit(err, ctx);
      // A refusal retrying cannot fix (or the last try of a transient one): no further call until reconnect.
      const refusal = refusalOf(err, attemptsMade + 1 >= ANALYSIS_ATTEMPTS);
      if (refusal === null) throw err;
      await parkRunner(deps, runnerId, refusal);
      return { outcome: 'skipped', detail: `runner parked: ${refusal}` };
    }
  },
});

/** The connect backfill: the runner's window has never been read. */
async function isFirstRead(deps: AppDeps, runnerId: string): Promise<boolean> {
  const [row] = await deps.db
    .select({ lastAnalyzedAt: runners.lastAnalyzedAt })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return row?.lastAnalyzedAt === null;
}
