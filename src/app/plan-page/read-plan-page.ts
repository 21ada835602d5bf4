import { type DetectionRow, listDetectionsByOccurrence } from '../../db/repositories/detection-listings.js';
import { loadRuns, loadShoes } from '../../db/repositories/runs.js';
import type { PlanJson } from '../../domain/plan-view.js';
import type { Run, Shoe } from '../../domain/types.js';
import type { AppDeps } from '../deps.js';
import { getPlanView } from '../get-plan-view.js';
import { loadRunner, type RunnerRow } from '../runner/load-runner.js';

export type { DetectionRow };

/** A year of detections is far more than the page shows; the export has them all. */
const MAX_DETECTIONS = 200;

/** What `/plan` is built from, as stored. */
export type PlanPageRecords = {
  runner: RunnerRow;
  plan: PlanJson;
  /** Newest occurrence first, at most MAX_DETECTIONS. */
  detections: DetectionRow[];
  runs: Run[];
  shoes: Shoe[];
};

/**
 * Everything `/plan` shows, read with the same loaders as the JSON API
 * (`getPlanView` is `GET /api/plan`). Null when the runner no longer exists.
 */
export async function readPlanPage(
  deps: Pick<AppDeps, 'db'>,
  runnerId: string,
): Promise<PlanPageRecords | null> {
  const runner = await loadRunner(deps.db, runnerId);
  const plan = runner ? await getPlanView(deps.db, runnerId) : null;
  if (!runner || !plan) return null;
  const [detections, runs, shoes] = await Promise.all([
    listDetectionsByOccurrence(deps.db, runnerId, MAX_DETECTIONS),
    loadRuns(deps.db, runnerId),
    loadShoes(deps.db, runnerId),
  ]);
  return { runner, plan, detections, runs, shoes };
}
