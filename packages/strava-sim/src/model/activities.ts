import { formatStravaInstant, type SimClock } from '../clock.js';
import { SimError } from '../sim-error.js';
import type { SimActivity, SimState, Visibility } from '../state.js';
import { describeLocalStart, parseTimezoneName } from '../timezone.js';
import { listShoes, requireAthlete } from './athletes.js';

/** Everything a tester may set; unset fields get plausible defaults. */
export type ActivityFields = {
  name?: string | undefined;
  sport_type?: string | undefined;
  type?: string | undefined;
  distance?: number | undefined;
  moving_time?: number | undefined;
  elapsed_time?: number | undefined;
  total_elevation_gain?: number | undefined;
  start_date?: string | undefined;
  timezone?: string | undefined;
  max_speed?: number | undefined;
  has_heartrate?: boolean | undefined;
  average_heartrate?: number | null | undefined;
  max_heartrate?: number | null | undefined;
  workout_type?: number | null | undefined;
  gear_id?: string | null | undefined;
  manual?: boolean | undefined;
  trainer?: boolean | undefined;
  commute?: boolean | undefined;
  private?: boolean | undefined;
  visibility?: Visibility | undefined;
  device_name?: string | null | undefined;
  description?: string | null | undefined;
  calories?: number | undefined;
  perceived_exertion?: number | null | undefined;
  not_found_fetches?: number | undefined;
};

export type ActivityInput = ActivityFields & { id?: string | undefined; athleteId: string };

// The deprecated coarse `type` Strava derives from `sport_type` (TrailRun is type Run).
const TYPE_OF_SPORT: Record<string, string> = {
  TrailRun: 'Run',
  MountainBikeRide: 'Ride',
  GravelRide: 'Ride',
  EMountainBikeRide: 'EBikeRide',
};

const FOOT_SPORTS = new Set(['Run', 'TrailRun', 'VirtualRun', 'Walk', 'Hike']);

function typeOfSport(sportType: string): string {
  return TYPE_OF_SPORT[sportType] ?? sportType;
}

/** Strava names untitled activities after the local time of day: "Morning Run". */
function defaultName(localIso: string, sportType: string): string {
  const hour = Number(localIso.slice(11, 13));
  const part =
    hour < 5
      ? 'Night'
      : hour < 11
        ? 'Morning'
        : hour < 14
          ? 'Lunch'
          : hour < 18
            ? 'Afternoon'
            : hour < 22
              ? 'Evening'
              : 'Night';
  const label = sportType.replace(/([a-z])([A-Z])/g, '$1 $2');
  return `${part} ${label}`;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function resolveGear(
  state: SimState,
  athleteId: string,
  fields: ActivityFields,
  sportType: string,
): string | null {
  if (fields.gear_id === null) return null;
  if (fields.gear_id !== undefined) {
    const shoe = state.shoes.get(fields.gear_id);
    if (!shoe || shoe.athlete_id !== athleteId) {
      throw new SimError(400, `gear ${fields.gear_id} is not a shoe of athlete ${athleteId}`);
    }
    return shoe.id;
  }
  // Strava logs runs in the athlete's primary shoe unless told otherwise.
  if (!FOOT_SPORTS.has(sportType)) return null;
  const primary = listShoes(state, athleteId).find((s) => s.primary && !s.retired);
  return primary?.id ?? null;
}

function resolveVisibility(fields: ActivityFields): Visibility {
  if (fields.visibility !== undefined) return fields.visibility;
  if (fields.private !== undefined) return fields.private ? 'only_me' : 'everyone';
  return 'everyone';
}

function parseStart(value: string | undefined, clock: SimClock): number {
  if (value === undefined) return clock.nowMs() - 3_600_000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SimError(400, `start_date is not a date: ${value}`);
  return ms;
}

/** Builds a complete Strava-shaped activity; derived fields (speed, local time, type) computed. */
export function buildActivity(
  state: SimState,
  clock: SimClock,
  id: string,
  input: ActivityInput,
): SimActivity {
  const athlete = requireAthlete(state, input.athleteId);
  const sportType = input.sport_type ?? input.type ?? 'Run';
  const startMs = parseStart(input.start_date, clock);
  const local = describeLocalStart(parseTimezoneName(input.timezone ?? athlete.timezone), startMs);
  const distance = input.distance ?? 5000;
  const movingTime = Math.max(1, Math.round(input.moving_time ?? (distance / 1000) * 330));
  const elapsedTime = Math.max(movingTime, Math.round(input.elapsed_time ?? movingTime + 60));
  const averageSpeed = round(distance / movingTime, 3);
  const hasHeartrate =
    input.has_heartrate ?? (input.average_heartrate !== undefined && input.average_heartrate !== null);
  const averageHeartrate = hasHeartrate ? (input.average_heartrate ?? 150) : null;
  const visibility = resolveVisibility(input);
  const manual = input.manual ?? false;
  const now = clock.now().toISOString();
  return {
    id,
    athlete_id: athlete.id,
    name: input.name ?? defaultName(local.start_date_local, sportType),
    sport_type: sportType,
    type: input.type ?? typeOfSport(sportType),
    distance,
    moving_time: movingTime,
    elapsed_time: elapsedTime,
    total_elevation_gain: input.total_elevation_gain ?? 0,
    start_date: formatStravaInstant(startMs),
    start_date_local: local.start_date_local,
    timezone: local.timezone,
    utc_offset: local.utc_offset,
    average_speed: averageSpeed,
    max_speed: input.max_speed ?? round(averageSpeed * 1.3, 3),
    has_heartrate: hasHeartrate,
    average_heartrate: averageHeartrate,
    max_heartrate: hasHeartrate ? (input.max_heartrate ?? (averageHeartrate ?? 150) + 25) : null,
    workout_type: input.workout_type ?? null,
    gear_id: resolveGear(state, athlete.id, input, sportType),
    manual,
    trainer: input.trainer ?? false,
    commute: input.commute ?? false,
    private: visibility === 'only_me',
    visibility,
    device_name:
      input.device_name !== undefined ? input.device_name : manual ? null : 'Garmin Forerunner 265',
    description: input.description ?? null,
    calories: input.calories ?? Math.round((distance / 1000) * 65),
    perceived_exertion: input.perceived_exertion ?? null,
    created_at: now,
    updated_at: now,
    not_found_fetches: input.not_found_fetches ?? 0,
  };
}

export function addActivity(state: SimState, clock: SimClock, input: ActivityInput): SimActivity {
  let id = input.id;
  if (id === undefined) {
    do id = state.ids.activity.next();
    while (state.activities.has(id));
  } else if (state.activities.has(id)) {
    throw new SimError(409, `activity ${id} already exists`);
  }
  const activity = buildActivity(state, clock, id, input);
  state.activities.set(id, activity);
  return activity;
}

export function requireActivity(state: SimState, id: string): SimActivity {
  const activity = state.activities.get(id);
  if (!activity) throw new SimError(404, `activity ${id} not found`);
  return activity;
}

/**
 * Re-derives the activity from its current explicit fields overlaid with `patch`. Derived
 * fields follow their source: a new sport_type brings its own type, `private` its visibility.
 */
export function patchActivity(
  state: SimState,
  clock: SimClock,
  id: string,
  patch: ActivityFields,
): { before: SimActivity; after: SimActivity } {
  const before = requireActivity(state, id);
  const merged: ActivityInput = {
    athleteId: before.athlete_id,
    name: before.name,
    sport_type: before.sport_type,
    type: patch.sport_type !== undefined && patch.type === undefined ? undefined : before.type,
    distance: before.distance,
    moving_time: before.moving_time,
    elapsed_time: before.elapsed_time,
    total_elevation_gain: before.total_elevation_gain,
    start_date: before.start_date,
    timezone: before.timezone,
    max_speed: patch.distance !== undefined || patch.moving_time !== undefined ? undefined : before.max_speed,
    has_heartrate: before.has_heartrate,
    average_heartrate: before.average_heartrate,
    max_heartrate: before.max_heartrate,
    workout_type: before.workout_type,
    gear_id: before.gear_id,
    manual: before.manual,
    trainer: before.trainer,
    commute: before.commute,
    visibility: patch.private !== undefined && patch.visibility === undefined ? undefined : before.visibility,
    device_name: before.device_name,
    description: before.description,
    calories: before.calories,
    perceived_exertion: before.perceived_exertion,
    not_found_fetches: before.not_found_fetches,
    ...definedOnly(patch),
  };
  if (patch.type !== undefined && patch.sport_type === undefined) merged.sport_type = patch.type;
  if (patch.moving_time !== undefined && patch.elapsed_time === undefined) merged.elapsed_time = undefined;
  const after = buildActivity(state, clock, id, merged);
  after.created_at = before.created_at;
  state.activities.set(id, after);
  return { before, after };
}

function definedOnly(patch: ActivityFields): ActivityFields {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as ActivityFields;
}

export function removeActivity(state: SimState, id: string): SimActivity {
  const activity = requireActivity(state, id);
  state.activities.delete(id);
  return activity;
}
