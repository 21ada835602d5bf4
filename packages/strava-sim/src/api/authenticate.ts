import type { NextFunction, Request, Response } from 'express';
import { type SimContext, simLocals } from '../context.js';
import { findAuthorization, findUsableToken } from '../model/tokens.js';
import { readBearerToken, readParam, readQuery } from '../params.js';
import type { AthleteAuth } from './route-types.js';

function presentedToken(req: Request): string | undefined {
  return readBearerToken(req) ?? readQuery(req, 'access_token');
}

/**
 * Works out which application a request is billed to, before authentication decides whether
 * it is allowed: an expired token still identifies its app (Strava counts those calls too).
 */
export function identifyCaller(ctx: SimContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const locals = simLocals(res);
    const token = presentedToken(req);
    const record = token !== undefined ? ctx.state.accessTokens.get(token) : undefined;
    if (record) {
      locals.clientId = record.clientId;
      locals.athleteId = record.athleteId;
    } else {
      const clientId = readParam(req, 'client_id');
      if (clientId !== undefined && ctx.state.applications.has(clientId)) locals.clientId = clientId;
    }
    next();
  };
}

/** A valid (existing, unexpired, unrevoked) Bearer token, or null for a 401. */
export function authenticateAthlete(ctx: SimContext, req: Request): AthleteAuth | null {
  const token = presentedToken(req);
  const record = token !== undefined ? findUsableToken(ctx.state, ctx.clock, token) : null;
  if (!record) return null;
  const authorization = findAuthorization(ctx.state, record.clientId, record.athleteId);
  return authorization ? { token: record, authorization } : null;
}
