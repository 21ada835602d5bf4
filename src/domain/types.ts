/**
 * Plain data shared by the pure domain core (detection and plan). Nothing here
 * knows about Strava payloads, the database or the clock: adapters convert to
 * and from these shapes.
 */

/** Strava ids can exceed 2^53, so they travel as decimal strings. */
export type StravaId = string;

export type Units = 'metric' | 'imperial';

/** A normalized activity (only what detection and the plan page need). */
export type Run = {
  id: StravaId;
  name: string;
  /** Strava `sport_type`, kept as an open string (new types appear). */
  sportType: string;
  /** Strava's deprecated coarse `type`, used as a fallback classification. */
  type: string | null;
  /** The instant the activity started (UTC). */
  startDate: Date;
  /** IANA time zone name, e.g. `America/Los_Angeles` (parsed from Strava's `timezone`). */
  timeZone: string;
  distanceM: number;
  movingTimeS: number;
  averageHeartrate: number | null;
  maxHeartrate: number | null;
  /** Strava `workout_type`: 0/null default, 1 race, 2 long run, 3 workout. */
  workoutType: number | null;
  gearId: string | null;
  manual: boolean;
};

export type Shoe = {
  id: string;
  name: string;
  /** All-time distance as Strava reports it, in meters. */
  distanceM: number;
  retired: boolean;
};

export type DetectionKind =
  | 'session_spike'
  | 'weekly_ramp'
  | 'intensity_ramp'
  | 'gear_change'
  | 'shoe_mileage';

export type Severity = 'info' | 'low' | 'moderate' | 'high';

export type Detection = {
  /** Stable key: re-running detection on the same data yields the same keys. */
  key: string;
  kind: DetectionKind;
  severity: Severity;
  /** The run that triggered it. */
  activityId: StravaId;
  /** The run's local day (YYYY-MM-DD) in the runner's time zone. */
  localDate: string;
  /** When the triggering run started. */
  occurredAt: Date;
  /** The numbers behind the detection, e.g. `{ distanceKm, longestPrior30dKm, increasePct }`. */
  metrics: Record<string, number | string | null>;
  /** Plain-language message in the runner's units. */
  message: string;
};

export type Feeling = 'fine' | 'sore' | 'pain';

export type CheckIn = {
  feeling: Feeling;
  at: Date;
};

export type PlanPhase = 'daily' | 'taper' | 'maintenance';

export type ExerciseId = 'leg-raise' | 'glute-bridge';

export type ExerciseDose = {
  id: ExerciseId;
  name: string;
  reps: number;
  perLeg: boolean;
  holdSeconds: number;
  /** `two-leg` or `single-leg` (glute bridge progression); `standard` for the leg raise. */
  variant: string;
};
