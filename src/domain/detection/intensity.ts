import type { Thresholds } from '../thresholds.js';
import type { Run } from '../types.js';
import { reaches } from './finding.js';

/** The runner's own yardsticks, from the runs of the reference days (90 by default). */
export type IntensityReference = {
  /** Median pace in seconds per meter over runs with a moving time; null without any. */
  medianPaceSPerM: number | null;
  /** Median of the runs' average heart rates; null when no run has heart rate. */
  medianHeartrate: number | null;
  /** Highest `max_heartrate` seen; null when none was recorded (average HR is never used as a max). */
  maxHeartrate: number | null;
};

export function buildIntensityReference(runs: readonly Run[]): IntensityReference {
  const paces = runs.filter((r) => r.movingTimeS > 0).map((r) => r.movingTimeS / r.distanceM);
  const heartrates = runs.map((r) => r.averageHeartrate).filter((hr): hr is number => hr !== null && hr > 0);
  const maxima = runs.map((r) => r.maxHeartrate).filter((hr): hr is number => hr !== null && hr > 0);
  return {
    medianPaceSPerM: median(paces),
    medianHeartrate: median(heartrates),
    maxHeartrate: maxima.length > 0 ? Math.max(...maxima) : null,
  };
}

/**
 * Relative intensity of a run against the runner's typical run (1 = typical):
 * heart-rate based when the run has heart rate, else pace relative to the median
 * pace (docs/detection.md). Manual runs and runs without heart rate use pace; a run with no
 * moving time counts as typical.
 */
export function intensityFactor(run: Run, reference: IntensityReference): number {
  if (run.averageHeartrate !== null && run.averageHeartrate > 0 && reference.medianHeartrate !== null) {
    return run.averageHeartrate / reference.medianHeartrate;
  }
  if (run.movingTimeS > 0 && reference.medianPaceSPerM !== null) {
    return reference.medianPaceSPerM / (run.movingTimeS / run.distanceM);
  }
  return 1;
}

/**
 * Load = minutes × intensity, with intensity = factor². Squaring follows the
 * rTSS/hrTSS convention (hours × IF² × 100); with a linear factor, a pace-based
 * load would reduce to distance ÷ median speed and ignore how hard the running was.
 */
export function runLoad(run: Run, reference: IntensityReference): number {
  const factor = intensityFactor(run, reference);
  return (Math.max(run.movingTimeS, 0) / 60) * factor * factor;
}

/**
 * A hard run (docs/detection.md): `workout_type` race or workout, average heart rate at least
 * 85% of the runner's max, or pace at least 10% faster than the median pace
 * (pace ≤ 0.9 × median). Any one rule suffices, docs/detection.md#intensity-ramp.
 */
export function isHardRun(run: Run, reference: IntensityReference, thresholds: Thresholds): boolean {
  const t = thresholds.intensityRamp;
  if (run.workoutType !== null && t.hardWorkoutTypes.includes(run.workoutType)) return true;
  if (
    run.averageHeartrate !== null &&
    reference.maxHeartrate !== null &&
    reaches(run.averageHeartrate, t.hardHeartRateFraction * reference.maxHeartrate)
  ) {
    return true;
  }
  if (run.movingTimeS > 0 && reference.medianPaceSPerM !== null) {
    const pace = run.movingTimeS / run.distanceM;
    return reaches((1 - t.hardPaceFasterFraction) * reference.medianPaceSPerM, pace);
  }
  return false;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  // A typed array sorts numerically without a comparator (several times faster).
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
