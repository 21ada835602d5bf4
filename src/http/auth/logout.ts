import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { endSession } from '../session/start-session.js';

/** `POST /auth/logout`: deletes the session row, clears the cookie, back to the start page. */
export function logout(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    await endSession(deps, req, res);
    res.redirect(303, '/');
  };
}
