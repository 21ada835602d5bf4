import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { ipRateLimit } from '../api/ip-rate-limit.js';
import { PAGES, sendAuthPage } from './auth-page.js';
import { handleCallback } from './callback.js';
import { logout } from './logout.js';
import { startOAuth } from './start-oauth.js';

/** Sign-in attempts per ip and minute: generous for people, a brake for scripts. */
export const AUTH_RATE_LIMIT = 30;

/** `/auth/*`: Strava sign-in and logout (mounted at `/auth`). */
export function createAuthRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(
    ipRateLimit({
      limit: AUTH_RATE_LIMIT,
      respond: (res) => sendAuthPage(res, PAGES.rateLimited, deps.config.sandbox),
    }),
  );
  router.get('/strava', startOAuth(deps));
  router.get('/strava/callback', handleCallback(deps));
  router.post('/logout', logout(deps));
  return router;
}
