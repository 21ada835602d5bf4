import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { recordCheckIn } from '../../app/record-checkin.js';
import { AppError } from '../../shared/errors.js';
import { parseInput } from './parse-input.js';
import { ZCheckInBody } from './schemas.js';
import { sessionRunnerId } from './session-runner-id.js';

/** `POST /api/checkins` `{ feeling }` → 201 `{ checkIn, plan }` (the plan after the check-in). */
export function createCheckInRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/checkins', async (req, res) => {
    const { feeling } = parseInput(ZCheckInBody, req.body);
    const recorded = await recordCheckIn(deps, sessionRunnerId(req), feeling, 'api');
    if (!recorded) throw new AppError('unauthenticated', 'Sign in with Strava to continue', 401);
    res.status(201).json(recorded);
  });
  return router;
}
