import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { limitByIp, respondJson429 } from '../rate-limit/limit-by-ip.js';
import { loadSession } from '../session/load-session.js';
import { requireRunner } from '../session/require-runner.js';
import { createActivityRoutes } from './activities.js';
import { createCheckInRoutes } from './checkins.js';
import { createDetectionRoutes } from './detections.js';
import { createMeRoutes } from './me.js';
import { createPlanRoutes } from './plan.js';
import { requireJsonBody } from './require-json.js';

/** API calls per ip and minute: a page makes a handful; this only stops scripts. */
export const API_RATE_LIMIT = 300;

/**
 * `/api/*` (mounted at `/api`): per-ip limit (shared across processes, open
 * when Redis is down: docs/front-door.md), then the session (401 without
 * one), then JSON-only bodies of at most 4 KB. Every handler reads the runner
 * from the session only, never from the URL or body, so one runner can never
 * name another's data (docs/access.md).
 */
export function createApiRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(limitByIp(deps, { name: 'api', limit: API_RATE_LIMIT, respond: respondJson429 }));
  router.use(loadSession(deps), requireRunner, requireJsonBody);
  // API answers are per runner and change often: never cached by the browser or a proxy.
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(createMeRoutes(deps));
  router.use(createPlanRoutes(deps));
  router.use(createDetectionRoutes(deps));
  router.use(createActivityRoutes(deps));
  router.use(createCheckInRoutes(deps));
  return router;
}
