import { Worker } from 'bullmq';
import type { Clock } from '../../shared/clock.js';
import type { StravaRateLimitError } from './errors.js';

/**
 * What a job processor hands over: the queue-wide pause and, inside a worker, the hold of this
 * one job (BullMQ's DelayedError). The worker's job context has this shape; it is declared here
 * so the Strava integration needs nothing from the job layer.
 */
export type RateLimitDeferral = {
  deps: { clock: Clock };
  rateLimitQueue(ms: number): Promise<void>;
  delayJob?(untilMs: number): Promise<never>;
};

/** Background jobs held back wake spread over this long, not all at the window's first second. */
const WAKE_SPREAD_MS = 30_000;

/**
 * What a job processor does with a StravaRateLimitError (docs/reliability-rules.md#strava-rate-limits):
 *
 * - only background work is held back (docs/strava-quota.md#interactive-work-first): this job
 *   alone waits for the next window, so interactive jobs queued behind it still run;
 * - otherwise nothing may go: pause the whole queue until Strava's window resets, then throw
 *   BullMQ's RateLimitError so the job goes back to waiting without using an attempt.
 *
 *   catch (err) { if (err instanceof StravaRateLimitError) return deferForRateLimit(err, ctx); throw err; }
 */
export async function deferForRateLimit(err: StravaRateLimitError, ctx: RateLimitDeferral): Promise<never> {
  if (err.scope === 'background' && ctx.delayJob) {
    return ctx.delayJob(err.retryAt.getTime() + Math.floor(Math.random() * WAKE_SPREAD_MS));
  }
  // At least a second: a zero or negative delay would let the queue spin against Strava.
  const delayMs = Math.max(1_000, err.retryAt.getTime() - ctx.deps.clock.now().getTime());
  await ctx.rateLimitQueue(delayMs);
  throw Worker.RateLimitError();
}
