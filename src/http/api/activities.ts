import { and, desc, eq, gte } from 'drizzle-orm';
import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { runs } from '../../db/schema/index.js';
import { parseInput } from './parse-input.js';
import { ZActivitiesQuery } from './schemas.js';
import { sessionRunnerId } from './session-runner-id.js';

const DAY_MS = 86_400_000;

/** `GET /api/activities?days=N` (1..365, default 28): the cached runs, newest first. Ids are strings. */
export function createActivityRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/activities', async (req, res) => {
    const { days } = parseInput(ZActivitiesQuery, req.query);
    const since = new Date(deps.clock.now().getTime() - days * DAY_MS);
    const rows = await deps.db
      .select()
      .from(runs)
      .where(and(eq(runs.runnerId, sessionRunnerId(req)), gte(runs.startDate, since)))
      .orderBy(desc(runs.startDate), desc(runs.activityId));
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
