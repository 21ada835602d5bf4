import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { limitByIp } from '../rate-limit/limit-by-ip.js';
import { sendAuthPage, signInRateLimitedPage } from './auth-page.js';
import { handleCallback } from './callback.js';
import { logout } from './logout.js';
import { startOAuth } from './start-oauth.js';

/**
 * Sign-in starts per client ip and minute. A running club behind one NAT
 * signing up together (50 runners, a retry or two each) stays well under it;
 * a script minting states by the thousand does not (docs/front-door.md#sign-in).
 */
export const AUTH_START_RATE_LIMIT = 120;

/**
 * `/auth/*`: Strava sign-in and logout (mounted at `/auth`). Only the start is
 * limited: it is the one step that costs something (a stored state). The
 * callback is guarded by its single-use state, not by counting, and a runner
 * who approved on Strava or wants to log out is never refused.
 */
export function createAuthRouter(deps: AppDeps): Router {
  const router = Router();
  const limitStarts = limitByIp(deps, {
    name: 'auth-start',
    limit: AUTH_START_RATE_LIMIT,
    respond: (_req, res, retryAfter) =>
      sendAuthPage(res, signInRateLimitedPage(retryAfter), deps.config.sandbox),
  });
  router.get('/strava', limitStarts, startOAuth(deps));
  router.get('/strava/callback', handleCallback(deps));
  router.post('/logout', logout(deps));
  return router;
}
