import { isRun } from '../runs.js';
import type { Thresholds } from '../thresholds.js';
import type { Shoe } from '../types.js';
import type { Finding } from './finding.js';
import type { Timeline } from './timeline.js';

/**
 * docs/detection.md `shoe_mileage` (information only): a shoe passes 800 km. Strava gives
 * only the shoe's current all-time distance, so the distance after each activity
 * is wound back from that total (less anything after `asOf`) through the known
 * activities in that shoe, newest first. The activity that takes it from ≤ 800 km
 * to > 800 km is the crossing; the detection sits on that run, or on the next run
 * in the shoe when the crossing was a walk or hike. A crossing before the known
 * activities (the shoe passed 800 km long ago) is not reported, nor are retired shoes.
 */
export function detectShoeMileage(
  timeline: Timeline,
  shoes: readonly Shoe[],
  thresholds: Thresholds,
): Finding[] {
  const passesKm = thresholds.shoeMileage.passesKm;
  const limitM = passesKm * 1000;
  const runsById = new Map(timeline.runs.map((r) => [r.run.id, r]));
  const findings: Finding[] = [];
  for (const shoe of shoes) {
    if (shoe.retired) continue;
    const totalM = shoe.distanceM - (timeline.gearDistanceAfterAsOfM.get(shoe.id) ?? 0);
    if (!(totalM > limitM)) continue;
    const inShoe = timeline.activities.filter((a) => a.gearId === shoe.id);
    const afterM: number[] = [];
    let remaining = totalM;
    for (let i = inShoe.length - 1; i >= 0; i--) {
      afterM[i] = remaining;
      remaining -= inShoe[i]?.distanceM ?? 0;
    }
    const crossing = inShoe.findIndex(
      (a, i) => (afterM[i] ?? 0) > limitM && (afterM[i] ?? 0) - a.distanceM <= limitM,
    );
    if (crossing < 0) continue;
    const triggerIndex = inShoe.findIndex((a, i) => i >= crossing && isRun(a));
    const trigger = runsById.get(inShoe[triggerIndex]?.id ?? '');
    if (!trigger) continue;
    findings.push({
      kind: 'shoe_mileage',
      key: `shoe_mileage:${shoe.id}:${passesKm}`,
      severity: 'info',
      trigger,
      facts: {
        gearId: shoe.id,
        shoeName: shoe.name,
        shoeDistanceM: afterM[triggerIndex] ?? totalM,
        passesKm,
      },
    });
  }
  return findings;
}
