import type { Request, Response } from 'express';
import { presentSummaryAthlete } from '../api/present.js';
import { checkAppCredentials } from '../app-credentials.js';
import { type SimContext, simLocals } from '../context.js';
import { consumeAuthorizationCode, grantAuthorization, refreshAuthorization } from '../model/tokens.js';
import { readParam } from '../params.js';
import { FAULTS, sendJson } from '../strava-errors.js';

function expiresIn(ctx: SimContext, expiresAtMs: number): number {
  return Math.max(0, Math.round((expiresAtMs - ctx.clock.nowMs()) / 1000));
}

/** POST /oauth/token: code exchange and refresh, with Strava's bodies (docs/strava-api.md#oauth). */
export function exchangeToken(ctx: SimContext) {
  return (req: Request, res: Response) => {
    const check = checkAppCredentials(ctx, req);
    if (!check.ok) return sendJson(res, check.status, check.fault);
    const clientId = check.app.clientId;
    simLocals(res).clientId = clientId;
    const grantType = readParam(req, 'grant_type');
    if (grantType === 'authorization_code') {
      const code = consumeAuthorizationCode(ctx.state, ctx.clock, readParam(req, 'code') ?? '', clientId);
      const athlete = code ? ctx.state.athletes.get(code.athleteId) : undefined;
      if (!code || !athlete) return sendJson(res, 400, FAULTS.invalidCode);
      simLocals(res).athleteId = athlete.id;
      const grant = grantAuthorization(ctx.state, ctx.clock, clientId, athlete.id, code.scopes);
      return sendJson(res, 200, {
        token_type: 'Bearer',
        expires_at: Math.floor(grant.expiresAtMs / 1000),
        expires_in: expiresIn(ctx, grant.expiresAtMs),
        refresh_token: grant.refreshToken,
        access_token: grant.accessToken,
        athlete: presentSummaryAthlete(athlete),
      });
    }
    if (grantType === 'refresh_token') {
      const grant = refreshAuthorization(
        ctx.state,
        ctx.clock,
        clientId,
        readParam(req, 'refresh_token') ?? '',
      );
      if (!grant) return sendJson(res, 400, FAULTS.invalidRefreshToken);
      return sendJson(res, 200, {
        token_type: 'Bearer',
        access_token: grant.accessToken,
        expires_at: Math.floor(grant.expiresAtMs / 1000),
        expires_in: expiresIn(ctx, grant.expiresAtMs),
        refresh_token: grant.refreshToken,
      });
    }
    sendJson(res, 400, FAULTS.invalidGrantType);
  };
}
