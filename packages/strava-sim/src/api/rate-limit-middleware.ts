import type { NextFunction, Request, Response } from 'express';
import { defaultApplication, type SimContext, simLocals } from '../context.js';
import { FAULTS, sendJson } from '../strava-errors.js';

/** Uploads are the only calls outside the "read" family (docs/strava-api.md#rate-limits). */
function isReadRequest(req: Request): boolean {
  return !(req.method === 'POST' && /^\/(activities|uploads)\/?$/.test(req.path));
}

/**
 * Counts the call against its application and puts Strava's four usage headers on every API
 * answer, 429s included. Calls that cannot be attributed (no known token or client id) are not
 * counted but still carry the first application's headers.
 */
export function applyRateLimit(ctx: SimContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const clientId = simLocals(res).clientId;
    if (clientId === null) {
      const app = defaultApplication(ctx);
      if (app) res.set(ctx.rateLimiter.headers(app.clientId));
      return next();
    }
    const decision = ctx.rateLimiter.record(clientId, isReadRequest(req));
    res.set(decision.headers);
    if (decision.limited) return sendJson(res, 429, FAULTS.rateLimited);
    next();
  };
}
