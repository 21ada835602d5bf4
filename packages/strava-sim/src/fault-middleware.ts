import type { NextFunction, Request, Response } from 'express';
import { type SimContext, simLocals } from './context.js';
import { FAULTS, type StravaFault, sendJson, serverErrorFault } from './strava-errors.js';

function notFoundBody(path: string): StravaFault {
  if (path.includes('/activities/')) return FAULTS.activityNotFound;
  if (path.includes('/gear/')) return FAULTS.gearNotFound;
  return FAULTS.routeNotFound;
}

/** Applies the injected faults matching this request before the real handler runs. */
export function applyFaults(ctx: SimContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const path = simLocals(res).simPath;
    const outcome = ctx.faults.evaluate(req.method, path);
    if (outcome.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, outcome.latencyMs));
    if (outcome.hang) {
      // Accept and never answer: the client's own timeout is what is under test.
      ctx.hung.add(res);
      res.on('close', () => ctx.hung.delete(res));
      return;
    }
    if (outcome.status === 429) return sendJson(res, 429, FAULTS.rateLimited);
    if (outcome.status === 404) return sendJson(res, 404, notFoundBody(path));
    if (outcome.status !== null) return sendJson(res, outcome.status, serverErrorFault(outcome.status));
    next();
  };
}
