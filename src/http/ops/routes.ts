import { Router } from 'express';
import { sampleGovernorView } from '../../app/strava-access/governor-metrics.js';
import { sampleParkedRunners } from '../../app/strava-access/parked-runners.js';
import type { ProcessDeps } from '../../jobs/process-deps.js';
import { QUEUE_NAMES } from '../../jobs/queue-names.js';
import { createCanaryAgeReader } from '../../jobs/worker-canary/job.js';
import { withDeadline } from '../../shared/deadline.js';
import { isClusterChild, requestClusterMetrics } from '../../shared/web-cluster.js';
import { requireMetricsToken } from './metrics-auth.js';

export type ReadinessOptions = {
  /** Worker roles: what their workers are doing ('running', 'waiting for Redis', …). */
  workersState?: () => string;
};

/**
 * Liveness, readiness and metrics. Readiness fails (503) while the database or
 * Redis is unreachable, the database is not migrated yet, or this process's
 * workers have not attached, so a load balancer stops routing to it; the
 * process itself stays up and recovers on its own. The answer says what is
 * missing and how RampGuard behaves meanwhile (docs/degradation.md).
 */
export function createOpsRouter(deps: ProcessDeps, readiness: ReadinessOptions = {}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const probes: Record<string, () => Promise<unknown>> = {
      database: async () => {
        await deps.database.ping(1_000);
        if (!deps.database.lifetime.known()) throw new Error('not migrated yet');
      },
      redis: () => withDeadline(deps.redis.ping(), 1_000, 'redis ping'),
    };
    const results: [string, string][] = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        try {
          await probe();
          return [name, 'ok'] as [string, string];
        } catch {
          return [name, 'unavailable'] as [string, string];
        }
      }),
    );
    if (readiness.workersState) results.push(['workers', readiness.workersState()]);
    const missing = results.filter(([name, status]) => status !== (name === 'workers' ? 'running' : 'ok'));
    const body: Record<string, unknown> = {
      status: missing.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results),
    };
    if (missing.length > 0) {
      body.missing = missing.map(([name]) => name);
      body.meanwhile = deps.health.describe().meanwhile;
    }
    res.status(missing.length === 0 ? 200 : 503).json(body);
  });
  const canaryAge = createCanaryAgeReader(deps);
  deps.metrics.sampleAtScrape('queueDepth', () => sampleQueueDepths(deps));
  deps.metrics.sampleAtScrape('parkedRunners', () => sampleParkedRunners(deps));
  deps.metrics.sampleAtScrape('stravaRate', () => sampleGovernorView(deps));
  deps.metrics.sampleAtScrape('workerCanaryAge', async () => {
    deps.metrics.workerCanaryAge.set(await canaryAge());
  });
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
async function sampleQueueDepths({
  queues,
  metrics,
}: Pick<ProcessDeps, 'queues' | 'metrics'>): Promise<void> {
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
