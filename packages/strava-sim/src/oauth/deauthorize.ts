import type { Request, Response } from 'express';
import { checkAppCredentials } from '../app-credentials.js';
import { revokeAccess } from '../commands/revoke-access.js';
import { type SimContext, simLocals } from '../context.js';
import { findUsableToken } from '../model/tokens.js';
import { readBearerToken, readParam } from '../params.js';
import { FAULTS, sendJson } from '../strava-errors.js';

/**
 * POST /oauth/deauthorize with the athlete's access token (form, query or Bearer): all of the
 * app's tokens for that athlete die and the deauthorization event follows (docs/strava-api.md#deauthorize).
 */
export function deauthorize(ctx: SimContext) {
  return (req: Request, res: Response) => {
    const token = readParam(req, 'access_token') ?? readBearerToken(req);
    const record = token !== undefined ? findUsableToken(ctx.state, ctx.clock, token) : null;
    if (!token || !record) return sendJson(res, 401, FAULTS.invalidAccessToken);
    Object.assign(simLocals(res), { clientId: record.clientId, athleteId: record.athleteId });
    revokeAccess(ctx, record.athleteId, record.clientId);
    sendJson(res, 200, { access_token: token });
  };
}

function basicCredentials(req: Request): { clientId: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * POST /oauth/revoke, the announced 2026 endpoint (UNCONFIRMED in docs/strava-api.md#deauthorize): HTTP Basic app
 * credentials (or form fields) and `token=<refresh or access token>`; 200 even when the token
 * is already gone.
 */
export function revokeToken(ctx: SimContext) {
  return (req: Request, res: Response) => {
    const basic = basicCredentials(req);
    if (basic) {
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
        string,
        unknown
      >;
      req.body = { ...body, client_id: basic.clientId, client_secret: basic.secret };
    }
    const check = checkAppCredentials(ctx, req);
    if (!check.ok) return sendJson(res, check.status, check.fault);
    const token = readParam(req, 'token') ?? '';
    const owner = ctx.state.refreshTokens.get(token) ?? ctx.state.accessTokens.get(token);
    if (owner && owner.clientId === check.app.clientId) revokeAccess(ctx, owner.athleteId, owner.clientId);
    sendJson(res, 200, {});
  };
}
