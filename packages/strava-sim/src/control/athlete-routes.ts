import type { Router } from 'express';
import { revokeAccess } from '../commands/revoke-access.js';
import { defaultApplication, type SimContext } from '../context.js';
import { addApplication, updateApplication } from '../model/applications.js';
import { addAthlete, addShoe, requireAthlete, updateShoe } from '../model/athletes.js';
import { expireAccessTokens, grantAuthorization } from '../model/tokens.js';
import { SimError } from '../sim-error.js';
import { presentControlAthlete, presentControlShoe } from './present.js';
import {
  ZClientScope,
  ZCreateApplication,
  ZCreateAthlete,
  ZCreateShoe,
  ZIssueToken,
  ZUpdateApplication,
  ZUpdateShoe,
} from './schemas.js';
import { parseBody } from './validate.js';

const DEFAULT_TOKEN_SCOPES = ['read', 'activity:read_all', 'profile:read_all'];

function requireClientId(ctx: SimContext, clientId: string | undefined): string {
  const id = clientId ?? defaultApplication(ctx)?.clientId;
  if (id === undefined || !ctx.state.applications.has(id))
    throw new SimError(404, `application ${id} not found`);
  return id;
}

/** Applications, athletes, shoes and tokens. */
export function addAthleteRoutes(router: Router, ctx: SimContext): void {
  router.get('/applications', (_req, res) => {
    res.json([...ctx.state.applications.values()]);
  });

  router.post('/applications', (req, res) => {
    res.status(201).json(addApplication(ctx.state, parseBody(ZCreateApplication, req.body)));
  });

  router.patch('/applications/:clientId', (req, res) => {
    res.json(updateApplication(ctx.state, req.params.clientId, parseBody(ZUpdateApplication, req.body)));
  });

  router.get('/athletes', (_req, res) => {
    res.json([...ctx.state.athletes.values()].map((a) => presentControlAthlete(ctx.state, a)));
  });

  router.post('/athletes', (req, res) => {
    const athlete = addAthlete(ctx.state, ctx.clock, parseBody(ZCreateAthlete, req.body));
    res.status(201).json(presentControlAthlete(ctx.state, athlete));
  });

  router.get('/athletes/:id', (req, res) => {
    res.json(presentControlAthlete(ctx.state, requireAthlete(ctx.state, req.params.id)));
  });

  router.post('/athletes/:id/shoes', (req, res) => {
    const shoe = addShoe(ctx.state, ctx.clock, req.params.id, parseBody(ZCreateShoe, req.body));
    res.status(201).json(presentControlShoe(ctx.state, shoe));
  });

  router.patch('/shoes/:id', (req, res) => {
    const shoe = updateShoe(ctx.state, req.params.id, parseBody(ZUpdateShoe, req.body));
    res.json(presentControlShoe(ctx.state, shoe));
  });

  /** Like the athlete revoking access on strava.com: tokens die, deauthorization event sent. */
  router.post('/athletes/:id/revoke', (req, res) => {
    const { clientId } = parseBody(ZClientScope, req.body);
    const result = revokeAccess(ctx, req.params.id, clientId);
    res.json({ revoked: result.revoked, events: result.events.map((e) => e.id) });
  });

  /** Every live access token of the athlete expires now (the refresh token keeps working). */
  router.post('/athletes/:id/expire-tokens', (req, res) => {
    requireAthlete(ctx.state, req.params.id);
    const { clientId } = parseBody(ZClientScope, req.body);
    res.json({ expired: expireAccessTokens(ctx.state, ctx.clock, req.params.id, clientId) });
  });

  /** A grant without the browser dance, for tests that only need a working token. */
  router.post('/tokens', (req, res) => {
    const body = parseBody(ZIssueToken, req.body);
    requireAthlete(ctx.state, body.athleteId);
    const clientId = requireClientId(ctx, body.clientId);
    const scopes = body.scopes ?? DEFAULT_TOKEN_SCOPES;
    const grant = grantAuthorization(
      ctx.state,
      ctx.clock,
      clientId,
      body.athleteId,
      scopes,
      body.expiresInSeconds,
    );
    res.status(201).json({
      clientId,
      athleteId: body.athleteId,
      scopes,
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_at: Math.floor(grant.expiresAtMs / 1000),
    });
  });
}
