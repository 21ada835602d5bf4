import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { AppDeps } from '../../app/deps.js';
import { ipLimiterPrefix } from '../../shared/rate-limit/keys.js';
import { limiterCommands } from '../../shared/rate-limit/limiter-commands.js';

/** Wrong passwords per client ip within a minute before the dashboard locks that ip out. */
export const ADMIN_LOCKOUT_FAILURES = 10;
export const ADMIN_LOCKOUT_WINDOW_MS = 60_000;

/** Compares hashes so neither length nor content leaks through timing. */
function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The password of a `Basic` header, or null when the request carries no credentials at all. */
function suppliedPassword(req: Request): string | null {
  const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
  if (scheme !== 'Basic' || !encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : '';
}

/**
 * Basic auth for `/admin/queues` with a lock-out (docs/front-door.md#brakes):
 * after ADMIN_LOCKOUT_FAILURES wrong passwords from one ip within a minute,
 * that ip is refused (429, even with the right password) until the minute is
 * over, and the lock-out is logged at warn. Failures are counted in Redis, so
 * every web process shares them. A request without credentials (the browser's
 * first, before it shows the prompt) is not a failure. When Redis cannot answer
 * the dashboard answers 503: it shows queues that live in Redis anyway.
 */
export function requireBasicAuth(
  deps: Pick<AppDeps, 'redis' | 'config' | 'logger' | 'metrics'>,
  password: string,
): RequestHandler {
  const commands = limiterCommands(deps.redis);
  const prefix = ipLimiterPrefix(deps.config.queuePrefix, 'admin-auth-failures');
  return async (req, res, next) => {
    const key = prefix + ipKeyGenerator(req.ip ?? 'unknown');
    let failures: Awaited<ReturnType<typeof commands.peek>>;
    try {
      failures = await commands.peek(key);
    } catch {
      res.status(503).type('text/plain').send('The queue dashboard needs Redis, which is not answering\n');
      return;
    }
    if (failures.hits >= ADMIN_LOCKOUT_FAILURES) {
      deps.metrics.rateLimits.inc({ limiter: 'admin-auth', decision: 'refused' });
      const retryAfter = Math.max(1, Math.ceil(failures.resetInMs / 1000));
      res
        .set('Retry-After', String(retryAfter))
        .status(429)
        .type('text/plain')
        .send(`Too many failed sign-ins; try again in ${retryAfter} s\n`);
      return;
    }
    const supplied = suppliedPassword(req);
    if (supplied !== null && safeEqual(supplied, password)) return next();
    if (supplied !== null) {
      const hit = await commands.hit(key, ADMIN_LOCKOUT_WINDOW_MS).catch(() => null);
      if (hit?.hits === ADMIN_LOCKOUT_FAILURES) {
        deps.logger.warn(
          { ip: req.ip, failures: hit.hits, lockedForSeconds: Math.ceil(hit.resetInMs / 1000) },
          'admin dashboard: too many wrong passwords, ip locked out',
        );
      }
    }
    res.set('WWW-Authenticate', 'Basic realm="RampGuard queues", charset="UTF-8"');
    res.status(401).type('text/plain').send('Authentication required');
  };
}
