import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics. Labels are low-cardinality only: route patterns, queue
 * names, outcomes, reasons. Never runner ids or emails (docs/reliability-rules.md#operator-surfaces).
 */
export type Metrics = ReturnType<typeof createMetrics>;

/** Gauges whose value is read from shared state (Redis, Postgres) when /metrics is scraped. */
type ScrapeSampled = 'queueDepth' | 'parkedRunners' | 'stravaRate' | 'workerCanaryAge';

export function createMetrics() {
  const registry = new Registry();
  /** Gauges of shared state are sampled at every scrape; the ops router installs the samplers (they need queues and the database). */
  const samplers: Partial<Record<ScrapeSampled, () => Promise<void>>> = {};
  collectDefaultMetrics({ register: registry, prefix: 'rampguard_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'rampguard_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status class',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'rampguard_queue_jobs',
      help: 'Jobs per queue and state (sampled at scrape time)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      // Every web process samples the same Redis: across a cluster the value is the largest, not a sum.
      aggregator: 'max',
      async collect() {
        await samplers.queueDepth?.();
      },
    }),
    jobOutcomes: new Counter({
      name: 'rampguard_job_outcomes_total',
      help: 'Finished job attempts per queue, job name and outcome',
      labelNames: ['queue', 'job', 'outcome'] as const,
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'rampguard_webhook_events_total',
      help: 'Strava webhook deliveries by outcome (accepted, duplicate, dropped reasons, rejected)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    stravaCalls: new Counter({
      name: 'rampguard_strava_requests_total',
      help: 'Requests made to the Strava API by endpoint and status',
      labelNames: ['endpoint', 'status'] as const,
      registers: [registry],
    }),
    stravaCallsByPurpose: new Counter({
      name: 'rampguard_strava_calls_total',
      help: 'Strava calls by what they were spent on and outcome (ok, 401, 403, 404, 429, 5xx, 4xx, network, timeout)',
      labelNames: ['purpose', 'outcome'] as const,
      registers: [registry],
    }),
    parkedRunners: new Gauge({
      name: 'rampguard_runners_parked',
      help: 'Runners parked (no Strava call until they reconnect) by reason, sampled at scrape time',
      labelNames: ['reason'] as const,
      registers: [registry],
      // Every web process counts the same table: across a cluster the value is the largest, not a sum.
      aggregator: 'max',
      async collect() {
        await samplers.parkedRunners?.();
      },
    }),
    stravaRateUsage: new Gauge({
      name: 'rampguard_strava_rate_usage',
      help: 'Strava calls counted by the rate governor in the current window (family read|overall, window 15min|daily), sampled at scrape time',
      labelNames: ['family', 'window'] as const,
      registers: [registry],
      // Every process reads the same Redis keys: across a cluster the value is the largest, not a sum.
      aggregator: 'max',
      async collect() {
        await samplers.stravaRate?.();
      },
    }),
    stravaRateLimit: new Gauge({
      name: 'rampguard_strava_rate_limit',
      help: 'Strava rate limit per family and window as last reported by Strava (absent until a call reported it)',
      labelNames: ['family', 'window'] as const,
      registers: [registry],
      aggregator: 'max',
      // Gauges are collected concurrently: each samples for itself (one small Redis read).
      async collect() {
        await samplers.stravaRate?.();
      },
    }),
    stravaRefusals: new Counter({
      name: 'rampguard_strava_refusals_total',
      help: 'Runners parked because Strava refused for good (no call until they reconnect), by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    emails: new Counter({
      name: 'rampguard_emails_total',
      help: 'Emails by template and outcome',
      labelNames: ['template', 'outcome'] as const,
      registers: [registry],
    }),
    rateLimits: new Counter({
      name: 'rampguard_rate_limit_decisions_total',
      help: 'Requests refused by a rate limiter, or let through or refused because Redis could not answer (docs/front-door.md)',
      labelNames: ['limiter', 'decision'] as const,
      registers: [registry],
    }),
    sampleAtScrape(gauge: ScrapeSampled, sampler: () => Promise<void>) {
      samplers[gauge] = sampler;
    },
    workerCanaryAge: new Gauge({
      name: 'rampguard_worker_canary_age_seconds',
      help: 'Seconds since the worker canary job last ran (every minute when workers are healthy); alert when it passes a few minutes',
      registers: [registry],
      // The same Redis key everywhere; a process that cannot read it reports a growing age: keep the largest.
      aggregator: 'max',
      async collect() {
        await samplers.workerCanaryAge?.();
      },
    }),
    forgedDeauthorizations: new Counter({
      name: 'rampguard_forged_deauthorizations_total',
      help: 'Athlete deauthorization events that Strava did not confirm (nothing was deleted)',
      registers: [registry],
    }),
  };
}
