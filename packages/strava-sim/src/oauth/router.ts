import express, { type Router } from 'express';
import type { SimContext } from '../context.js';
import { applyFaults } from '../fault-middleware.js';
import { FAULTS, sendJson } from '../strava-errors.js';
import { decideAuthorize, showAuthorize } from './authorize.js';
import { deauthorize, revokeToken } from './deauthorize.js';
import { exchangeToken } from './token.js';

/** Strava's OAuth endpoints; mounted at /oauth and at /api/v3/oauth (swagger.json's form). */
export function createOAuthRouter(ctx: SimContext): Router {
  const router = express.Router();
  router.use(applyFaults(ctx));
  router.get(['/authorize', '/mobile/authorize'], showAuthorize(ctx));
  router.post(['/authorize', '/mobile/authorize'], decideAuthorize(ctx));
  router.post('/token', exchangeToken(ctx));
  router.post('/deauthorize', deauthorize(ctx));
  router.post('/revoke', revokeToken(ctx));
  router.use((_req, res) => sendJson(res, 404, FAULTS.routeNotFound));
  return router;
}
