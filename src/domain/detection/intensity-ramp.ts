import { DAY_MS } from '../duration.js';
import type { Thresholds } from '../thresholds.js';
import type { Severity } from '../types.js';
import { exceeds, type Finding, reaches } from './finding.js';
import { buildIntensityReference, isHardRun, runLoad } from './intensity.js';
import { firstIndexFrom, type TimedRun, type Timeline } from './timeline.js';
import { selectWeeklyDays } from './weekly-days.js';

/**
 * docs/detection.md `intensity_ramp`: the load of the 7 local days ending with the run
 * exceeds the mean weekly load of the 21 days before by more than 30%, or the
 * count of hard runs exceeds the baseline weekly mean by 2 or more.
 *
 * Each day is measured with one yardstick (median pace, median and max heart
 * rate of the runs in the 90 local days up to that day, as far as the window
 * reaches), so acute and baseline loads stay comparable. Severity: the load
 * increase gives (30%, 60%] moderate and above 60% high, as for weekly_ramp; the
 * hard-run count alone gives moderate (docs/detection.md#intensity-ramp for a count).
 */
export function detectIntensityRamps(timeline: Timeline, thresholds: Thresholds): Finding[] {
  const t = thresholds.intensityRamp;
  const baselineWeeks = t.baselineDays / 7;
  const findings: Finding[] = [];
  for (const { trigger, acute, baseline } of selectWeeklyDays(timeline, t)) {
    const reference = buildIntensityReference(referenceRuns(timeline, trigger, t.referenceDays));
    const load = (runs: readonly TimedRun[]) => runs.reduce((sum, r) => sum + runLoad(r.run, reference), 0);
    const hard = (runs: readonly TimedRun[]) =>
      runs.filter((r) => isHardRun(r.run, reference, thresholds)).length;
    const last7dLoad = load(acute);
    const baselineWeeklyLoad = load(baseline) / baselineWeeks;
    const increase = baselineWeeklyLoad > 0 ? last7dLoad / baselineWeeklyLoad - 1 : null;
    const hardRuns = hard(acute);
    const baselineHardRunsPerWeek = hard(baseline) / baselineWeeks;
    const loadFired = increase !== null && exceeds(increase, t.moderateAbove);
    const hardRunsFired = reaches(hardRuns - baselineHardRunsPerWeek, t.hardRunExcess);
    if (!loadFired && !hardRunsFired) continue;
    const severity: Severity =
      loadFired && increase !== null && exceeds(increase, t.highAbove) ? 'high' : 'moderate';
    findings.push({
      kind: 'intensity_ramp',
      key: `intensity_ramp:${trigger.localDate}`,
      severity,
      trigger,
      facts: {
        last7dLoad,
        baselineWeeklyLoad,
        increase,
        hardRuns,
        baselineHardRunsPerWeek,
        loadFired,
        hardRunsFired,
      },
    });
  }
  return findings;
}

/** Runs on the `days` local days up to the trigger's day (a bounded slice: runs are sorted by start). */
function referenceRuns(timeline: Timeline, trigger: TimedRun, days: number) {
  // Local days and instants differ by at most a day (UTC±14), so this slice holds every candidate.
  const from = firstIndexFrom(timeline.runs, trigger.startMs - (days + 1) * DAY_MS);
  const to = firstIndexFrom(timeline.runs, trigger.startMs + 2 * DAY_MS);
  return timeline.runs
    .slice(from, to)
    .filter((r) => r.day <= trigger.day && r.day > trigger.day - days)
    .map((r) => r.run);
}
