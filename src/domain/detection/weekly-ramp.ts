import type { Thresholds } from '../thresholds.js';
import { exceeds, type Finding, reaches } from './finding.js';
import type { TimedRun, Timeline } from './timeline.js';
import { selectWeeklyDays } from './weekly-days.js';

/**
 * docs/detection.md `weekly_ramp` (Nielsen et al. 2014): the distance of the 7 local days
 * ending with the run exceeds the mean weekly distance of the 21 days before by
 * more than 30% and by at least 5 km. (30%, 60%] moderate, above 60% high.
 * Returns one candidate per local day; `detect` applies the 6-day re-report rule.
 */
export function detectWeeklyRamps(timeline: Timeline, thresholds: Thresholds): Finding[] {
  const t = thresholds.weeklyRamp;
  const baselineWeeks = t.baselineDays / 7;
  const findings: Finding[] = [];
  for (const { trigger, acute, baseline } of selectWeeklyDays(timeline, t)) {
    const last7dM = sumDistance(acute);
    const baselineWeeklyM = sumDistance(baseline) / baselineWeeks;
    const increase = last7dM / baselineWeeklyM - 1;
    if (!exceeds(increase, t.moderateAbove)) continue;
    if (!reaches(last7dM - baselineWeeklyM, t.minIncreaseKm * 1000)) continue;
    findings.push({
      kind: 'weekly_ramp',
      key: `weekly_ramp:${trigger.localDate}`,
      severity: exceeds(increase, t.highAbove) ? 'high' : 'moderate',
      trigger,
      facts: { last7dM, baselineWeeklyM, increase },
    });
  }
  return findings;
}

function sumDistance(runs: readonly TimedRun[]): number {
  return runs.reduce((sum, r) => sum + r.run.distanceM, 0);
}
