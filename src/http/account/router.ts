import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { limitByIp, respondJson429 } from '../rate-limit/limit-by-ip.js';
import { loadSession } from '../session/load-session.js';
import { requireRunner } from '../session/require-runner.js';
import { disconnect } from './disconnect.js';
import { exportAccount } from './export.js';
import { requireSameOrigin } from './require-same-origin.js';

/** Account actions per ip and minute (an export reads every runner table). */
export const ACCOUNT_RATE_LIMIT = 30;

/**
 * `/account/disconnect` and `/account/export` (mounted at `/account`).
 * Guards are per route: other `/account/*` routes (email verification) belong
 * to other routers and must pass through untouched.
 */
export function createAccountRouter(deps: AppDeps): Router {
  const router = Router();
  const limit = limitByIp(deps, { name: 'account', limit: ACCOUNT_RATE_LIMIT, respond: respondJson429 });
  const session = [loadSession(deps), requireRunner];
  router.post('/disconnect', limit, requireSameOrigin(deps.config), ...session, disconnect(deps));
  router.get('/export', limit, ...session, exportAccount(deps));
  return router;
}
