import { shoeDistance } from '../model/athletes.js';
import { rawInt } from '../raw-json.js';
import type { SimActivity, SimAthlete, SimShoe, SimState, SimSubscription } from '../state.js';

// Representations follow Strava's models (docs/strava-api.md#resources-and-fields): resource_state 1 = meta, 2 = summary,
// 3 = detail. Ids that are int64 in Strava are emitted with rawInt so big ids survive.

export function presentAthleteMeta(id: string) {
  return { id: rawInt(id), resource_state: 1 };
}

export function presentSummaryAthlete(athlete: SimAthlete) {
  return {
    id: rawInt(athlete.id),
    username: null,
    resource_state: 2,
    firstname: athlete.firstname,
    lastname: athlete.lastname,
    bio: null,
    city: athlete.city,
    state: null,
    country: athlete.country,
    sex: athlete.sex,
    premium: false,
    summit: false,
    created_at: athlete.created_at,
    updated_at: athlete.updated_at,
    badge_type_id: 0,
    weight: null,
    profile_medium: 'avatar/athlete/medium.png',
    profile: 'avatar/athlete/large.png',
    friend: null,
    follower: null,
  };
}

/** Display units: miles for `feet` athletes, kilometres otherwise (docs/strava-api.md#gear-and-athlete). */
function convertedDistance(meters: number, athlete: SimAthlete | undefined): number {
  const divisor = athlete?.measurement_preference === 'feet' ? 1609.344 : 1000;
  return Math.round((meters / divisor) * 10) / 10;
}

export function presentSummaryGear(state: SimState, shoe: SimShoe) {
  const distance = shoeDistance(state, shoe);
  return {
    id: shoe.id,
    primary: shoe.primary,
    name: shoe.name,
    nickname: shoe.nickname,
    resource_state: 2,
    retired: shoe.retired,
    distance,
    converted_distance: convertedDistance(distance, state.athletes.get(shoe.athlete_id)),
  };
}

export function presentDetailedGear(state: SimState, shoe: SimShoe) {
  return {
    ...presentSummaryGear(state, shoe),
    resource_state: 3,
    brand_name: shoe.brand_name,
    model_name: shoe.model_name,
    description: shoe.description,
    notification_distance: 0,
  };
}

export function presentDetailedAthlete(state: SimState, athlete: SimAthlete, shoes: SimShoe[]) {
  return {
    ...presentSummaryAthlete(athlete),
    resource_state: 3,
    follower_count: 0,
    friend_count: 0,
    measurement_preference: athlete.measurement_preference,
    ftp: null,
    clubs: [],
    bikes: [],
    shoes: shoes.map((s) => presentSummaryGear(state, s)),
  };
}

export function presentSummaryActivity(activity: SimActivity) {
  const heartrate = activity.has_heartrate
    ? { average_heartrate: activity.average_heartrate, max_heartrate: activity.max_heartrate }
    : {};
  return {
    resource_state: 2,
    athlete: presentAthleteMeta(activity.athlete_id),
    name: activity.name,
    distance: activity.distance,
    moving_time: activity.moving_time,
    elapsed_time: activity.elapsed_time,
    total_elevation_gain: activity.total_elevation_gain,
    type: activity.type,
    sport_type: activity.sport_type,
    workout_type: activity.workout_type,
    id: rawInt(activity.id),
    start_date: activity.start_date,
    start_date_local: activity.start_date_local,
    timezone: activity.timezone,
    utc_offset: activity.utc_offset,
    location_city: null,
    location_state: null,
    location_country: null,
    achievement_count: 0,
    kudos_count: 0,
    comment_count: 0,
    athlete_count: 1,
    photo_count: 0,
    map: { id: `a${activity.id}`, summary_polyline: '', resource_state: 2 },
    trainer: activity.trainer,
    commute: activity.commute,
    manual: activity.manual,
    private: activity.private,
    visibility: activity.visibility,
    flagged: false,
    gear_id: activity.gear_id,
    start_latlng: [],
    end_latlng: [],
    average_speed: activity.average_speed,
    max_speed: activity.max_speed,
    has_heartrate: activity.has_heartrate,
    ...heartrate,
    heartrate_opt_out: false,
    display_hide_heartrate_option: activity.has_heartrate,
    elev_high: 0,
    elev_low: 0,
    upload_id: activity.manual ? null : rawInt(activity.id),
    external_id: activity.manual ? null : `garmin_ping_${activity.id}`,
    from_accepted_tag: false,
    pr_count: 0,
    total_photo_count: 0,
    has_kudoed: false,
  };
}

export function presentDetailedActivity(state: SimState, activity: SimActivity) {
  const shoe = activity.gear_id ? state.shoes.get(activity.gear_id) : undefined;
  return {
    ...presentSummaryActivity(activity),
    resource_state: 3,
    description: activity.description,
    calories: activity.calories,
    perceived_exertion: activity.perceived_exertion,
    device_name: activity.device_name,
    gear: shoe ? presentSummaryGear(state, shoe) : undefined,
    segment_efforts: [],
    splits_metric: [],
    laps: [],
    best_efforts: [],
    photos: { primary: null, count: 0 },
    embed_token: null,
  };
}

export function presentSubscription(subscription: SimSubscription) {
  return {
    id: rawInt(subscription.id),
    resource_state: 2,
    application_id: rawInt(subscription.clientId),
    callback_url: subscription.callbackUrl,
    created_at: subscription.createdAt,
    updated_at: subscription.updatedAt,
  };
}
