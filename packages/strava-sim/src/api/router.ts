import express, { type Router } from 'express';
import type { SimContext } from '../context.js';
import { applyFaults } from '../fault-middleware.js';
import { createOAuthRouter } from '../oauth/router.js';
import { FAULTS, sendJson } from '../strava-errors.js';
import { authenticateAthlete, identifyCaller } from './authenticate.js';
import { applyRateLimit } from './rate-limit-middleware.js';
import { toExpressPath } from './route-types.js';
import { API_ROUTES } from './routes.js';

/** `/api/v3`: identify the app → count usage (429) → injected faults → auth (401) → handler. */
export function createApiRouter(ctx: SimContext): Router {
  const router = express.Router();
  // swagger.json's securityDefinitions put OAuth under /api/v3/oauth; it is not rate limited.
  router.use('/oauth', createOAuthRouter(ctx));
  router.use(identifyCaller(ctx), applyRateLimit(ctx), applyFaults(ctx));
  for (const route of API_ROUTES) {
    const method = route.method === 'GET' ? 'get' : route.method === 'POST' ? 'post' : 'delete';
    router[method](toExpressPath(route.path), async (req, res) => {
      if (route.auth === 'application') return route.handle(ctx, req, res, null);
      const auth = authenticateAthlete(ctx, req);
      if (!auth) return sendJson(res, 401, FAULTS.invalidAccessToken);
      await route.handle(ctx, req, res, auth);
    });
  }
  router.use((_req, res) => sendJson(res, 404, FAULTS.routeNotFound));
  return router;
}
