import type { RequestHandler } from 'express';
import { errorBody } from '../errors.js';
import './session-runner.js';

/**
 * Guards routes that need a signed-in runner (mount after `loadSession`):
 * 401 `{ error: { code: 'unauthenticated' } }` otherwise, also once the
 * runner's data was deleted (the session row went with it).
 */
export const requireRunner: RequestHandler = (req, res, next) => {
  if (req.runner) return next();
  res.status(401).json(errorBody('unauthenticated', 'Sign in with Strava to continue'));
};
