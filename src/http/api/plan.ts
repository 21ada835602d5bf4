import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { getPlanView } from '../../app/get-plan-view.js';
import { AppError } from '../../shared/errors.js';
import { sessionRunnerId } from './session-runner-id.js';

/** `GET /api/plan`: docs/plan.md exactly. */
export function createPlanRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/plan', async (req, res) => {
    const plan = await getPlanView(deps.db, sessionRunnerId(req));
    if (!plan) throw new AppError('unauthenticated', 'Sign in with Strava to continue', 401);
    res.json(plan);
  });
  return router;
}
