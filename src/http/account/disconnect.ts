import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { disconnectRunner } from '../../app/disconnect-runner.js';
import { sessionRunnerId } from '../api/session-runner-id.js';
import { clearSessionCookie } from '../session/session-cookie.js';

/**
 * `POST /account/disconnect`: deauthorize at Strava, delete every row about
 * the runner (their sessions included), clear the cookie, back to the start
 * page, which says whether Strava confirmed or the revocation is still being
 * retried (docs/disconnect.md#revocation).
 */
export function disconnect(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const result = await disconnectRunner(deps, sessionRunnerId(req));
    clearSessionCookie(res, deps.config);
    res.redirect(303, result.revocation === 'revoked' ? '/?disconnected=1' : '/?disconnected=pending');
  };
}
