import type { SimClock } from '../clock.js';
import { SimError } from '../sim-error.js';
import type { MeasurementPreference, SimAthlete, SimShoe, SimState } from '../state.js';
import { parseTimezoneName } from '../timezone.js';

export type AthleteInput = {
  id?: string | undefined;
  firstname: string;
  lastname?: string | undefined;
  measurement_preference?: MeasurementPreference | undefined;
  sex?: 'M' | 'F' | null | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
  timezone?: string | undefined;
};

export function addAthlete(state: SimState, clock: SimClock, input: AthleteInput): SimAthlete {
  const id = input.id ?? nextFreeId(state);
  if (state.athletes.has(id)) throw new SimError(409, `athlete ${id} already exists`);
  const now = clock.now().toISOString();
  const athlete: SimAthlete = {
    id,
    firstname: input.firstname,
    lastname: input.lastname ?? 'Runner',
    measurement_preference: input.measurement_preference ?? 'meters',
    sex: input.sex ?? null,
    city: input.city ?? null,
    country: input.country ?? null,
    timezone: parseTimezoneName(input.timezone ?? state.settings.defaultTimezone),
    created_at: now,
    updated_at: now,
  };
  state.athletes.set(id, athlete);
  return athlete;
}

function nextFreeId(state: SimState): string {
  let id = state.ids.athlete.next();
  while (state.athletes.has(id)) id = state.ids.athlete.next();
  return id;
}

export function requireAthlete(state: SimState, id: string): SimAthlete {
  const athlete = state.athletes.get(id);
  if (!athlete) throw new SimError(404, `athlete ${id} not found`);
  return athlete;
}

export type ShoeInput = {
  id?: string | undefined;
  name: string;
  nickname?: string | null | undefined;
  brand_name?: string | null | undefined;
  model_name?: string | null | undefined;
  description?: string | null | undefined;
  distance?: number | undefined;
  primary?: boolean | undefined;
  retired?: boolean | undefined;
};

export function addShoe(state: SimState, clock: SimClock, athleteId: string, input: ShoeInput): SimShoe {
  requireAthlete(state, athleteId);
  const id = input.id ?? `g${state.ids.shoe.next()}`;
  if (state.shoes.has(id)) throw new SimError(409, `gear ${id} already exists`);
  const isFirst = listShoes(state, athleteId).length === 0;
  const shoe: SimShoe = {
    id,
    athlete_id: athleteId,
    name: input.name,
    nickname: input.nickname ?? null,
    brand_name: input.brand_name ?? null,
    model_name: input.model_name ?? null,
    description: input.description ?? null,
    // Strava makes an athlete's first shoe the primary one.
    primary: input.primary ?? isFirst,
    retired: input.retired ?? false,
    base_distance: input.distance ?? 0,
    created_at: clock.now().toISOString(),
  };
  state.shoes.set(id, shoe);
  if (shoe.primary) makeOnlyPrimary(state, shoe);
  return shoe;
}

export type ShoePatch = Omit<Partial<ShoeInput>, 'id'>;

export function updateShoe(state: SimState, shoeId: string, patch: ShoePatch): SimShoe {
  const shoe = state.shoes.get(shoeId);
  if (!shoe) throw new SimError(404, `gear ${shoeId} not found`);
  if (patch.name !== undefined) shoe.name = patch.name;
  if (patch.nickname !== undefined) shoe.nickname = patch.nickname;
  if (patch.brand_name !== undefined) shoe.brand_name = patch.brand_name;
  if (patch.model_name !== undefined) shoe.model_name = patch.model_name;
  if (patch.description !== undefined) shoe.description = patch.description;
  if (patch.retired !== undefined) shoe.retired = patch.retired;
  if (patch.distance !== undefined) shoe.base_distance = patch.distance - activityDistance(state, shoe.id);
  if (patch.primary !== undefined) {
    shoe.primary = patch.primary;
    if (shoe.primary) makeOnlyPrimary(state, shoe);
  }
  return shoe;
}

function makeOnlyPrimary(state: SimState, primary: SimShoe): void {
  for (const other of listShoes(state, primary.athlete_id)) {
    if (other.id !== primary.id) other.primary = false;
  }
}

export function listShoes(state: SimState, athleteId: string): SimShoe[] {
  return [...state.shoes.values()].filter((s) => s.athlete_id === athleteId);
}

function activityDistance(state: SimState, shoeId: string): number {
  let total = 0;
  for (const activity of state.activities.values()) {
    if (activity.gear_id === shoeId) total += activity.distance;
  }
  return total;
}

/** What Strava reports: the shoe's distance grows with every activity logged in it. */
export function shoeDistance(state: SimState, shoe: SimShoe): number {
  return Math.round((shoe.base_distance + activityDistance(state, shoe.id)) * 10) / 10;
}
