import type { Thresholds } from '../thresholds.js';
import type { Shoe } from '../types.js';
import type { Finding } from './finding.js';
import { priorRuns, type Timeline, windowCovers } from './timeline.js';

/**
 * docs/detection.md `gear_change`: the first run in a pair of shoes not worn on any run in
 * the 60 × 24 h before it — a new pair, or one back from the closet. Rotating
 * between pairs in use is not a change (Malisoux 2015 found rotation protective).
 *
 * "At least one earlier run of any kind in the previous 60 days": any run (see
 * `isRun`) in any shoe or none, so the first run ever seen gives no change; rides
 * and walks are not a baseline. `high` when Strava reports the shoe under 100 km.
 */
export function detectGearChanges(
  timeline: Timeline,
  shoes: readonly Shoe[],
  thresholds: Thresholds,
): Finding[] {
  const t = thresholds.gearChange;
  const shoesById = new Map(shoes.map((s) => [s.id, s]));
  const findings: Finding[] = [];
  timeline.runs.forEach((current, index) => {
    const gearId = current.run.gearId;
    if (!gearId) return;
    if (!windowCovers(timeline, current.startMs, t.lookbackDays)) return;
    const prior = priorRuns(timeline.runs, index, t.lookbackDays);
    if (prior.length === 0) return;
    if (prior.some((p) => p.run.gearId === gearId)) return;
    const shoe = shoesById.get(gearId);
    const shoeDistanceM = shoe ? shoe.distanceM - (timeline.gearDistanceAfterAsOfM.get(gearId) ?? 0) : null;
    const isNewShoe = shoeDistanceM !== null && shoeDistanceM < t.newShoeUnderKm * 1000;
    findings.push({
      kind: 'gear_change',
      key: `gear_change:${current.run.id}:${gearId}`,
      severity: isNewShoe ? 'high' : 'moderate',
      trigger: current,
      facts: { gearId, shoeName: shoe?.name ?? null, shoeDistanceM, unusedDays: t.lookbackDays },
    });
  });
  return findings;
}
