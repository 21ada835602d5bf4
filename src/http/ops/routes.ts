import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { sampleGovernorView } from '../../app/strava-access/governor-metrics.js';
import { sampleParkedRunners } from '../../app/strava-access/parked-runners.js';
import { withDeadline } from '../../db/client.js';
import { QUEUE_NAMES } from '../../jobs/queue-names.js';
import { isClusterChild, requestClusterMetrics } from '../../shared/web-cluster.js';
import { requireMetricsToken } from './metrics-auth.js';

/**
 * Liveness, readiness and metrics. Readiness fails (503) while the database or
 * Redis is unreachable, so a load balancer stops routing to this process; the
 * process itself stays up and recovers on its own.
 */
export function createOpsRouter(
  deps: AppDeps,
  extraChecks: Record<string, () => Promise<void>> = {},
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, () => Promise<unknown>> = {
      database: () => deps.database.ping(1_000),
      redis: () => withDeadline(deps.redis.ping(), 1_000, 'redis ping'),
      ...extraChecks,
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, status]) => status === 'ok');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) });
  });
  deps.metrics.sampleAtScrape('queueDepth', () => sampleQueueDepths(deps));
  deps.metrics.sampleAtScrape('parkedRunners', () => sampleParkedRunners(deps));
  deps.metrics.sampleAtScrape('stravaRate', () => sampleGovernorView(deps));
  router.get('/metrics', requireMetricsToken(deps.config), async (_req, res) => {
    // In a web cluster (docs/scaling.md) one scrape answers for every web process.
    if (isClusterChild()) {
      try {
        const { text, contentType } = await requestClusterMetrics();
        res.type(contentType).send(text);
      } catch {
        res.status(503).type('text/plain').send('cluster metrics unavailable, retry\n');
      }
      return;
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}

/** Queue depth is sampled at scrape time; an unreachable Redis leaves the last values. */
async function sampleQueueDepths({ queues, metrics }: AppDeps): Promise<void> {
  await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      try {
        const counts = await withDeadline(
          queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          500,
          'queue counts',
        );
        for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: name, state }, n);
      } catch {
        // Readiness reports the outage; metrics keep their last sample.
      }
    }),
  );
}
