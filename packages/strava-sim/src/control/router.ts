import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { SimContext } from '../context.js';
import { SimError } from '../sim-error.js';
import { addActivityRoutes } from './activity-routes.js';
import { addAthleteRoutes } from './athlete-routes.js';
import { addKnobRoutes } from './knob-routes.js';
import { addLogRoutes } from './log-routes.js';
import { addUiRoutes } from './ui-routes.js';

/**
 * `/control`: the test and sandbox back door (JSON, errors as `{ error: { code, message } }`)
 * and the HTML control page at `/control/ui`. Never mounted when `control: false`.
 */
export function createControlRouter(ctx: SimContext): Router {
  const router = express.Router();
  addAthleteRoutes(router, ctx);
  addActivityRoutes(router, ctx);
  addKnobRoutes(router, ctx);
  addLogRoutes(router, ctx);
  addUiRoutes(router, ctx);
  router.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such control route' } });
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof SimError)) return next(err);
    const code = err.status === 400 ? 'invalid_input' : err.status === 404 ? 'not_found' : 'conflict';
    res.status(err.status).json({ error: { code, message: err.message } });
  });
  return router;
}
