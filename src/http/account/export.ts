import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { exportRunner } from '../../app/export-runner.js';
import { AppError } from '../../shared/errors.js';
import { sessionRunnerId } from '../api/session-runner-id.js';

/** `GET /account/export`: every row held about the runner, as a JSON download (docs/data.md). */
export function exportAccount(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const data = await exportRunner(deps.db, sessionRunnerId(req), deps.clock.now());
    if (!data) throw new AppError('unauthenticated', 'Sign in with Strava to continue', 401);
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .set('Content-Disposition', 'attachment; filename="rampguard-export.json"')
      .type('application/json')
      .send(JSON.stringify(data, null, 2));
  };
}
