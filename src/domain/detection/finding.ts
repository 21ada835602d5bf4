import type { Severity } from '../types.js';
import type { TimedRun } from './timeline.js';

/**
 * What a rule found, with the raw numbers behind it (meters, fractions). `detect`
 * turns findings into `Detection`s: rounded metrics and a message in the runner's
 * units (messages.ts), so rules never format and messages never re-derive.
 */
type FindingOf<K extends string, F> = {
  kind: K;
  /** Stable key (docs/detection.md): re-running detection on the same data yields the same keys. */
  key: string;
  severity: Severity;
  /** The run that triggered it. */
  trigger: TimedRun;
  facts: F;
};

export type SessionSpikeFacts = {
  distanceM: number;
  longestPriorM: number;
  increase: number;
  lookbackDays: number;
};

export type WeeklyRampFacts = { last7dM: number; baselineWeeklyM: number; increase: number };

export type IntensityRampFacts = {
  last7dLoad: number;
  baselineWeeklyLoad: number;
  /** Null when the baseline load is zero (only possible with zero moving times). */
  increase: number | null;
  hardRuns: number;
  baselineHardRunsPerWeek: number;
  loadFired: boolean;
  hardRunsFired: boolean;
};

export type GearChangeFacts = {
  gearId: string;
  /** Null when the shoe is not in the runner's shoe list (e.g. a shoe Strava no longer returns). */
  shoeName: string | null;
  shoeDistanceM: number | null;
  unusedDays: number;
};

export type ShoeMileageFacts = { gearId: string; shoeName: string; shoeDistanceM: number; passesKm: number };

export type Finding =
  | FindingOf<'session_spike', SessionSpikeFacts>
  | FindingOf<'weekly_ramp', WeeklyRampFacts>
  | FindingOf<'intensity_ramp', IntensityRampFacts>
  | FindingOf<'gear_change', GearChangeFacts>
  | FindingOf<'shoe_mileage', ShoeMileageFacts>;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, moderate: 2, high: 3 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

// Ratios such as 11000 / 10000 − 1 come out as 0.10000000000000009 in floating
// point. A tolerance far below any meaningful difference keeps "exactly 10% does
// not fire" true while 10.01% still fires.
const EPSILON = 1e-9;

/** `value` is strictly above `limit` (beyond floating-point noise). */
export function exceeds(value: number, limit: number): boolean {
  return value - limit > EPSILON;
}

/** `value` is at or above `limit` (allowing floating-point noise). */
export function reaches(value: number, limit: number): boolean {
  return value - limit > -EPSILON;
}
