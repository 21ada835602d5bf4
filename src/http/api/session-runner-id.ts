import type { Request } from 'express';
import { AppError } from '../../shared/errors.js';
import '../session/session-runner.js';

/** The session's runner id; every query of a session route is scoped to it (docs/access.md). */
export function sessionRunnerId(req: Request): string {
  if (!req.runner) throw new AppError('unauthenticated', 'Sign in with Strava to continue', 401);
  return req.runner.id;
}
