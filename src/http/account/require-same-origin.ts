import type { RequestHandler } from 'express';
import type { Config } from '../../config.js';
import { AppError } from '../../shared/errors.js';

/**
 * CSRF guard for cookie-authenticated form posts that change state. Browsers
 * send `Origin` on every POST; it must be our own (PUBLIC_URL's origin).
 * Without `Origin`, `Sec-Fetch-Site: same-origin` is accepted; with neither,
 * the request is refused (a 403 costs a legitimate browser nothing, a missed
 * forgery costs the runner's account). SameSite=Lax already keeps the cookie
 * off cross-site POSTs; this is the second lock.
 */
export function requireSameOrigin(config: Pick<Config, 'publicUrl'>): RequestHandler {
  const expected = new URL(config.publicUrl).origin;
  return (req, _res, next) => {
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    const sameOrigin = origin !== undefined ? origin === expected : site === 'same-origin';
    if (!sameOrigin) return next(new AppError('cross_site', 'Cross-site request refused', 403));
    next();
  };
}
