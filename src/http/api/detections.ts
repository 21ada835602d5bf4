import { desc, eq } from 'drizzle-orm';
import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { detections } from '../../db/schema/index.js';
import { sessionRunnerId } from './session-runner-id.js';

/** More than a year of detections never fits on a page; the export has them all. */
const MAX_DETECTIONS = 500;

/**
 * `GET /api/detections`: the runner's detections, newest first. A backfill
 * stores many at the same instant, so the run's start breaks ties.
 */
export function createDetectionRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/detections', async (req, res) => {
    const rows = await deps.db
      .select()
      .from(detections)
      .where(eq(detections.runnerId, sessionRunnerId(req)))
      .orderBy(desc(detections.detectedAt), desc(detections.occurredAt), desc(detections.id))
      .limit(MAX_DETECTIONS);
    res.json(
      rows.map((d) => ({
        id: d.id,
        kind: d.kind,
        severity: d.severity,
        detectedAt: d.detectedAt.toISOString(),
        activityId: d.activityId,
        metrics: d.metrics,
        message: d.message,
      })),
    );
  });
  return router;
}
