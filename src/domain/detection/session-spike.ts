import type { Thresholds } from '../thresholds.js';
import type { Severity } from '../types.js';
import { exceeds, type Finding } from './finding.js';
import { priorRuns, type Timeline, windowCovers } from './timeline.js';

/**
 * docs/detection.md `session_spike` (Frandsen et al. 2025): a run more than 10% longer than
 * the longest run starting in the 30 × 24 h before it. Same-day earlier runs count;
 * the run itself does not; at least one earlier run is needed.
 */
export function detectSessionSpikes(timeline: Timeline, thresholds: Thresholds): Finding[] {
  const t = thresholds.sessionSpike;
  const findings: Finding[] = [];
  timeline.runs.forEach((current, index) => {
    if (!windowCovers(timeline, current.startMs, t.lookbackDays)) return;
    const prior = priorRuns(timeline.runs, index, t.lookbackDays);
    if (prior.length === 0) return;
    const longestPriorM = Math.max(...prior.map((p) => p.run.distanceM));
    const increase = current.run.distanceM / longestPriorM - 1;
    const severity = spikeSeverity(increase, thresholds);
    if (!severity) return;
    findings.push({
      kind: 'session_spike',
      key: `session_spike:${current.run.id}`,
      severity,
      trigger: current,
      facts: { distanceM: current.run.distanceM, longestPriorM, increase, lookbackDays: t.lookbackDays },
    });
  });
  return findings;
}

/** Frandsen's bands: (10%, 30%] low, (30%, 100%] moderate, above 100% high; null at or below 10%. */
export function spikeSeverity(increase: number, thresholds: Thresholds): Severity | null {
  const t = thresholds.sessionSpike;
  if (exceeds(increase, t.highAbove)) return 'high';
  if (exceeds(increase, t.moderateAbove)) return 'moderate';
  if (exceeds(increase, t.lowAbove)) return 'low';
  return null;
}
