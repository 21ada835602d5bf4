import type { Finding } from './detection/finding.js';
import { describeDetection, type IntensityFiredOn } from './detection-text.js';
import type { Thresholds } from './thresholds.js';
import type { Detection, Units } from './types.js';

/*
 * From a finding to what is stored: rounded metrics (always metric: km, integer percentages) and
 * the message, which is built from those metrics (detection-text.ts) so the plan page and emails,
 * which rebuild it in the runner's current units, say exactly what was stored.
 */

export { formatDayLabel, formatDistance, unitsFromMeasurementPreference } from './units.js';

/** The numbers behind a finding, rounded for display: km to 1 decimal, percentages to integers. */
export function detectionMetrics(finding: Finding): Detection['metrics'] {
  switch (finding.kind) {
    case 'session_spike':
      return {
        distanceKm: km(finding.facts.distanceM),
        longestPrior30dKm: km(finding.facts.longestPriorM),
        increasePct: pct(finding.facts.increase),
      };
    case 'weekly_ramp':
      return {
        last7dKm: km(finding.facts.last7dM),
        baselineWeeklyKm: km(finding.facts.baselineWeeklyM),
        increasePct: pct(finding.facts.increase),
      };
    case 'intensity_ramp':
      return {
        last7dLoad: Math.round(finding.facts.last7dLoad),
        baselineWeeklyLoad: Math.round(finding.facts.baselineWeeklyLoad),
        increasePct: finding.facts.increase === null ? null : pct(finding.facts.increase),
        hardRuns: finding.facts.hardRuns,
        baselineHardRunsPerWeek: round1(finding.facts.baselineHardRunsPerWeek),
        firedOn: firedOn(finding.facts),
      };
    case 'gear_change':
    case 'shoe_mileage':
      return {
        gearId: finding.facts.gearId,
        shoeName: finding.facts.shoeName,
        shoeDistanceKm: finding.facts.shoeDistanceM === null ? null : km(finding.facts.shoeDistanceM),
      };
  }
}

/** A plain-language message in the runner's units. */
export function detectionMessage(finding: Finding, units: Units, thresholds: Thresholds): string {
  const record = {
    kind: finding.kind,
    severity: finding.severity,
    localDate: finding.trigger.localDate,
    metrics: detectionMetrics(finding),
  };
  return describeDetection(record, units, thresholds).message;
}

function firedOn(f: { loadFired: boolean; hardRunsFired: boolean }): IntensityFiredOn {
  if (f.loadFired && f.hardRunsFired) return 'load_and_hard_runs';
  return f.loadFired ? 'load' : 'hard_runs';
}

function km(meters: number): number {
  return round1(meters / 1000);
}

function pct(fraction: number): number {
  return Math.round(fraction * 100);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
