import { Router } from 'express';
import { listActivities } from '../../app/api/list-activities.js';
import type { AppDeps } from '../../app/deps.js';
import { parseInput } from './parse-input.js';
import { ZActivitiesQuery } from './schemas.js';
import { sessionRunnerId } from './session-runner-id.js';

/** `GET /api/activities?days=N` (1..365, default 28): the cached runs, newest first. Ids are strings. */
export function createActivityRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/activities', async (req, res) => {
    const { days } = parseInput(ZActivitiesQuery, req.query);
    const rows = await listActivities(deps, sessionRunnerId(req), days);
    res.json(
      rows.map((r) => ({
        id: r.activityId,
        name: r.name,
        sportType: r.sportType,
        startDate: r.startDate.toISOString(),
        localDate: r.localDate,
        distanceM: r.distanceM,
        movingTimeS: r.movingTimeS,
        averageHeartrate: r.averageHeartrate,
        gearId: r.gearId,
        workoutType: r.workoutType,
      })),
    );
  });
  return router;
}
