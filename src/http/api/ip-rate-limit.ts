import type { RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';

export type IpRateLimitOptions = {
  /** Requests allowed per window and client ip. */
  limit: number;
  windowMs?: number;
  /** How a refused request is answered (JSON for the API, a short page for browser routes). */
  respond(res: Response, retryAfterSeconds: number): void;
};

/**
 * A per-ip limit (reliability.md F.41). The key is `req.ip`, which express
 * derives with the app's `trust proxy` hop count, so a client cannot pick its
 * own key with a spoofed X-Forwarded-For. IPv6 clients are keyed by /56.
 * One in-memory store per process: the limit is per instance, which is what a
 * brute-force brake needs.
 */
export function ipRateLimit({ limit, windowMs = 60_000, respond }: IpRateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => respond(res, Math.ceil(windowMs / 1000)),
  });
}
