import { Router } from 'express';
import { listDetections } from '../../app/api/list-detections.js';
import type { AppDeps } from '../../app/deps.js';
import { sessionRunnerId } from './session-runner-id.js';

/**
 * `GET /api/detections`: the runner's detections, newest first. A backfill
 * stores many at the same instant, so the run's start breaks ties.
 */
export function createDetectionRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/detections', async (req, res) => {
    const rows = await listDetections(deps, sessionRunnerId(req));
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
