import { Worker } from 'bullmq';
import type { JobContext } from '../../jobs/definition.js';
import type { StravaRateLimitError } from './errors.js';

/**
 * What a job processor does with a StravaRateLimitError (reliability.md B.18):
 * pause the whole queue until Strava's window resets, then throw BullMQ's
 * RateLimitError so the job goes back to waiting without using an attempt.
 *
 *   catch (err) { if (err instanceof StravaRateLimitError) return deferForRateLimit(err, ctx); throw err; }
 */
export async function deferForRateLimit(
  err: StravaRateLimitError,
  ctx: Pick<JobContext, 'deps' | 'rateLimitQueue'>,
): Promise<never> {
  // At least a second: a zero or negative delay would let the queue spin against Strava.
  const delayMs = Math.max(1_000, err.retryAt.getTime() - ctx.deps.clock.now().getTime());
  await ctx.rateLimitQueue(delayMs);
  throw Worker.RateLimitError();
}
