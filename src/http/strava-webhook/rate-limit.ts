import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps } from '../../app/deps.js';
import { errorBody } from '../errors.js';

/**
 * Per client ip, far above anything Strava sends (a 429 costs Strava one of
 * its three attempts): only a flood from one address is cut. 3,000/min leaves
 * room for Strava's retry burst after an outage. The ip is `req.ip`, which
 * honours exactly TRUST_PROXY_HOPS proxies.
 *
 * Deliberately in memory, per process, unlike every other limiter
 * (docs/front-door.md#the-webhook-limiter-stays-per-process): the ack path
 * must not wait for a Redis round trip, and what this protects (the process's
 * CPU and its Postgres pool) is itself per process. N web processes accept N
 * times the rate, each within its own capacity.
 */
export const WEBHOOK_REQUESTS_PER_MINUTE = 3_000;

export function limitWebhookRate(
  { metrics }: AppDeps,
  perMinute = WEBHOOK_REQUESTS_PER_MINUTE,
): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Our own 503s (database outage) must not count: Strava's retries after an outage
    // would otherwise be refused and the events lost (found by test/fault/postgres-outage).
    requestWasSuccessful: (_req, res) => res.statusCode !== 503,
    skipFailedRequests: true,
    handler: (_req, res) => {
      metrics.webhookEvents.inc({ outcome: 'rate_limited' });
      res.status(429).json(errorBody('rate_limited', 'Too many requests'));
    },
  });
}
