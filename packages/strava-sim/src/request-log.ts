import type { NextFunction, Request, Response } from 'express';
import { type SimContext, simLocals } from './context.js';
import { appendBounded } from './state.js';

const SECRET_PARAMS = new Set([
  'access_token',
  'refresh_token',
  'client_secret',
  'code',
  'verify_token',
  'token',
]);

function redactQuery(query: Request['query']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    if (SECRET_PARAMS.has(key)) out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return out;
}

function isLogged(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/oauth/');
}

/**
 * Records every Strava call the simulator receives (not control calls), with secrets redacted,
 * so tests can assert how many upstream calls a client made. A request that never got an
 * answer (a `hang` fault, a client timeout) is recorded with status 0 when its socket closes.
 */
export function recordRequests(ctx: SimContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const locals = simLocals(res);
    locals.simPath = req.path;
    if (!isLogged(req.path)) return next();
    const startedMs = Date.now();
    const at = ctx.clock.now().toISOString();
    // Captured now: routing rewrites req.url as the request descends into routers.
    const path = req.path;
    const query = redactQuery(req.query);
    let recorded = false;
    const record = (status: number) => {
      if (recorded) return;
      recorded = true;
      appendBounded(
        ctx.state.requests,
        {
          at,
          method: req.method,
          path,
          query,
          status,
          durationMs: Date.now() - startedMs,
          clientId: locals.clientId,
          athleteId: locals.athleteId,
        },
        ctx.state.settings.requestLogLimit,
      );
    };
    res.on('finish', () => record(res.statusCode));
    res.on('close', () => record(res.writableFinished ? res.statusCode : 0));
    next();
  };
}
