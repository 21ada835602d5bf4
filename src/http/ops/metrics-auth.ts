import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../../config.js';

/**
 * `/metrics` with METRICS_TOKEN set answers only `Authorization: Bearer <token>`
 * (401 otherwise); without it, it is open and must stay off the public listener
 * (docs/front-door.md#metrics). Compared as hashes: neither length nor content
 * leaks through timing.
 */
export function requireMetricsToken(config: Pick<Config, 'metricsToken'>): RequestHandler {
  const expected = config.metricsToken ? digest(config.metricsToken) : null;
  return (req, res, next) => {
    if (!expected) return next();
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() === 'bearer' && token && timingSafeEqual(digest(token), expected))
      return next();
    res
      .set('WWW-Authenticate', 'Bearer realm="RampGuard metrics"')
      .status(401)
      .type('text/plain')
      .send('Unauthorized\n');
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
