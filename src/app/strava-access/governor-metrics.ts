import { readGovernorView } from '../../integrations/strava/rate-governor.js';
import { withDeadline } from '../../shared/deadline.js';
import type { AppDeps } from '../deps.js';

/**
 * The rate governor's view of each window (usage and Strava's limit), sampled
 * at scrape time from Redis; an unreachable Redis keeps the last values.
 */
export async function sampleGovernorView({
  redis,
  config,
  clock,
  metrics,
}: Pick<AppDeps, 'redis' | 'config' | 'clock' | 'metrics'>): Promise<void> {
  try {
    const view = await withDeadline(
      readGovernorView(redis, config.queuePrefix, clock.now()),
      500,
      'rate view',
    );
    for (const w of view) {
      const labels = { family: w.family, window: w.window };
      metrics.stravaRateUsage.set(labels, w.usage);
      if (w.limit !== null) metrics.stravaRateLimit.set(labels, w.limit);
    }
  } catch {
    // Readiness reports the outage; metrics keep their last sample.
  }
}
