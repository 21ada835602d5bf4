import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { AppDeps } from '../../app/deps.js';
import { ipLimiterPrefix } from '../../shared/rate-limit/keys.js';
import { RedisRateLimitStore } from './redis-store.js';

export type IpLimitOptions = {
  /** Names the limiter in Redis keys and metrics (`auth-start`, `api`, …). */
  name: string;
  /** Requests allowed per window and client ip. */
  limit: number;
  windowMs?: number;
  /** How a refused request is answered (JSON for the API, a page for browsers), with the seconds to wait. */
  respond(req: Request, res: Response, retryAfterSeconds: number): void;
};

/**
 * A per-client-ip limit shared by every web process through Redis
 * (docs/front-door.md). The key is `req.ip`, which express derives with exactly
 * TRUST_PROXY_HOPS trusted proxies, so a client cannot choose its own key with
 * a spoofed X-Forwarded-For; IPv6 clients are keyed by their /56.
 *
 * Fails open: when Redis cannot answer within its deadline the request goes
 * through (pages and reads must not go down with Redis), counted in
 * `rampguard_rate_limit_decisions_total{decision="redis_unavailable_allowed"}`.
 * Refusals carry `Retry-After`.
 */
export function limitByIp(
  deps: Pick<AppDeps, 'redis' | 'config' | 'metrics' | 'logger'>,
  options: IpLimitOptions,
): RequestHandler {
  const { name, limit, windowMs = 60_000, respond } = options;
  const { metrics, logger } = deps;
  let lastErrorLogAt = 0;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    store: new RedisRateLimitStore(deps.redis, ipLimiterPrefix(deps.config.queuePrefix, name)),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    passOnStoreError: true,
    logger: {
      error: (err: unknown, message?: string) => {
        const storeDown = message?.includes('allowing request') === true;
        if (storeDown) metrics.rateLimits.inc({ limiter: name, decision: 'redis_unavailable_allowed' });
        // An outage would otherwise log once per request.
        if (storeDown && Date.now() - lastErrorLogAt < 10_000) return;
        if (storeDown) lastErrorLogAt = Date.now();
        logger.warn(
          { limiter: name, err: { message: (err as Error)?.message } },
          storeDown
            ? 'rate limiter cannot reach Redis: letting the request through'
            : (message ?? 'rate limiter error'),
        );
      },
      warn: (err: unknown, message?: string) =>
        logger.warn(
          { limiter: name, err: { message: (err as Error)?.message } },
          message ?? 'rate limiter warning',
        ),
    },
    handler: (req, res) => {
      metrics.rateLimits.inc({ limiter: name, decision: 'refused' });
      respond(req, res, retryAfterSeconds(req, windowMs));
    },
  });
}

/** Seconds until the client's window resets (at least 1), from what the limiter put on the request. */
function retryAfterSeconds(req: Request, windowMs: number): number {
  const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
  const ms = info?.resetTime ? info.resetTime.getTime() - Date.now() : windowMs;
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The JSON refusal of API-like routes (docs/contract.md#error-shape). */
export function respondJson429(_req: Request, res: Response, retryAfterSeconds: number): void {
  res.status(429).json({
    error: { code: 'rate_limited', message: `Too many requests; try again in ${retryAfterSeconds} s` },
  });
}
