import type { RequestHandler } from 'express';
import { REQUESTED_SCOPES } from '../../app/connect-runner.js';
import type { AppDeps } from '../../app/deps.js';
import { issueOAuthState } from './oauth-state.js';

/** `$PUBLIC_URL/auth/strava/callback`: must match the app's callback domain at Strava. */
export function callbackUrl(publicUrl: string): string {
  return `${publicUrl}/auth/strava/callback`;
}

/** `GET /auth/strava`: a fresh state, then 302 to Strava's consent page (docs/contract.md#http-routes). */
export function startOAuth(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const state = await issueOAuthState(deps.db, deps.config, req, res, deps.clock.now());
    const url = deps.strava.authorizeUrl({
      redirectUri: callbackUrl(deps.config.publicUrl),
      state,
      scope: REQUESTED_SCOPES.join(','),
      approvalPrompt: 'auto',
    });
    res.set('Cache-Control', 'no-store').redirect(302, url);
  };
}
