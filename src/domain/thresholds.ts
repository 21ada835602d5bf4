/**
 * Every detection default from docs/detection.md in one typed, frozen object. Changing a
 * threshold means changing it here (and arguing it from docs/detection.md#evidence); rules
 * never hard-code numbers. Fractions are written as fractions (0.10 = 10%).
 */

/** The weekly kinds (weekly_ramp, intensity_ramp) share their window shape. */
export type WeeklyWindow = {
  /** "The 7 days ending with the run": the run's local day and the 6 before. */
  readonly acuteDays: number;
  /** The baseline: the local days right before the acute days. */
  readonly baselineDays: number;
  /** Evaluated only when the analysis window covers this many days before the run (acute + baseline). */
  readonly lookbackDays: number;
  /** The runner's earliest known run must be at least this many days before the run's local day. */
  readonly minHistoryDays: number;
  /** At least this many runs inside the baseline days. */
  readonly minBaselineRuns: number;
  /** Fires above this increase; `moderate` up to `highAbove`. */
  readonly moderateAbove: number;
  /** `high` above this increase. */
  readonly highAbove: number;
};

export type Thresholds = {
  readonly sessionSpike: {
    /** "The 30 days before it": 30 × 24 h before the run's start. */
    readonly lookbackDays: number;
    /** Fires above this increase; `low` up to `moderateAbove`. */
    readonly lowAbove: number;
    readonly moderateAbove: number;
    readonly highAbove: number;
  };
  readonly weeklyRamp: WeeklyWindow & {
    /** The 7-day distance must also exceed the baseline weekly mean by at least this much. */
    readonly minIncreaseKm: number;
  };
  readonly intensityRamp: WeeklyWindow & {
    /** A run is hard when its average heart rate is at least this fraction of the runner's max. */
    readonly hardHeartRateFraction: number;
    /** …or its pace is at least this much faster than the runner's median pace. */
    readonly hardPaceFasterFraction: number;
    /** …or its Strava `workout_type` is one of these (1 race, 3 workout). */
    readonly hardWorkoutTypes: readonly number[];
    /** Fires when hard runs in the acute days exceed the baseline weekly mean by at least this. */
    readonly hardRunExcess: number;
    /** Median pace, median and max heart rate come from the runs of this many local days. */
    readonly referenceDays: number;
  };
  readonly gearChange: {
    /** A shoe not worn on any run in this many days (× 24 h) before the run; also the lookback. */
    readonly lookbackDays: number;
    /** `high` when the shoe's all-time distance is under this. */
    readonly newShoeUnderKm: number;
  };
  readonly shoeMileage: {
    /** Information when a shoe passes this all-time distance. */
    readonly passesKm: number;
  };
  /** docs/detection.md: weekly kinds are not stored again within this many days at an equal or higher severity. */
  readonly weeklySuppressionDays: number;
  /** Plan-page context only (never triggers). */
  readonly context: {
    /** Under this many days of history, the baseline is still building. */
    readonly baselineBuildingDays: number;
    readonly ewmaAcuteDays: number;
    readonly ewmaChronicDays: number;
    /** Monotony when the week's loads do not vary (sd = 0); also an upper bound. */
    readonly monotonyCap: number;
    /** Length of the daily load series fed to the EWMA (the 12 weeks the chart shows). */
    readonly seriesDays: number;
  };
};

export const DEFAULT_THRESHOLDS: Thresholds = deepFreeze({
  sessionSpike: { lookbackDays: 30, lowAbove: 0.1, moderateAbove: 0.3, highAbove: 1.0 },
  weeklyRamp: {
    acuteDays: 7,
    baselineDays: 21,
    lookbackDays: 28,
    minHistoryDays: 21,
    minBaselineRuns: 3,
    moderateAbove: 0.3,
    highAbove: 0.6,
    minIncreaseKm: 5,
  },
  intensityRamp: {
    acuteDays: 7,
    baselineDays: 21,
    lookbackDays: 28,
    // docs/detection.md#intensity-ramp the history conditions for weekly_ramp only; intensity_ramp uses the
    // same 3-week baseline, and without them an almost empty baseline would fire at once.
    minHistoryDays: 21,
    minBaselineRuns: 3,
    moderateAbove: 0.3,
    highAbove: 0.6,
    hardHeartRateFraction: 0.85,
    hardPaceFasterFraction: 0.1,
    hardWorkoutTypes: [1, 3],
    hardRunExcess: 2,
    referenceDays: 90,
  },
  gearChange: { lookbackDays: 60, newShoeUnderKm: 100 },
  shoeMileage: { passesKm: 800 },
  weeklySuppressionDays: 6,
  context: {
    baselineBuildingDays: 14,
    ewmaAcuteDays: 7,
    ewmaChronicDays: 28,
    monotonyCap: 10,
    seriesDays: 84,
  },
});

type Patch<T> = { readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : Patch<T[K]> };

/** A patch of some thresholds, e.g. `{ weeklyRamp: { minIncreaseKm: 0 } }`. */
export type ThresholdsPatch = Patch<Thresholds>;

/** Returns a frozen copy of `base` with `patch` applied (for tests and experiments). */
export function overrideThresholds(
  patch: ThresholdsPatch,
  base: Thresholds = DEFAULT_THRESHOLDS,
): Thresholds {
  return deepFreeze(mergeDeep(base, patch) as Thresholds);
}

function mergeDeep(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = mergeDeep(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
