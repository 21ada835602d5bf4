import { type DetectionRow, listDetectionsByDetection } from '../../db/repositories/detection-listings.js';
import type { AppDeps } from '../deps.js';

export type { DetectionRow };

/** More than a year of detections never fits on a page; the export has them all. */
const MAX_DETECTIONS = 500;

/** `GET /api/detections`: the runner's detections, newest detected first. */
export async function listDetections(deps: Pick<AppDeps, 'db'>, runnerId: string): Promise<DetectionRow[]> {
  return listDetectionsByDetection(deps.db, runnerId, MAX_DETECTIONS);
}
