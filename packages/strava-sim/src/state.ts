import { createIdSequence, type IdSequence } from './ids.js';

export type SimApplication = {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Strava's "Authorization Callback Domain": redirect_uri hosts must be it or a subdomain. */
  callbackDomain: string;
  /**
   * How many athletes may connect (single-player mode: 1; Standard tier: 10); null = no cap.
   * Beyond it the consent step fails with a 403 and no code reaches the app (docs/strava-api.md#athlete-capacity).
   */
  athleteCapacity: number | null;
};

export type MeasurementPreference = 'feet' | 'meters';

export type SimAthlete = {
  id: string;
  firstname: string;
  lastname: string;
  measurement_preference: MeasurementPreference;
  sex: 'M' | 'F' | null;
  city: string | null;
  country: string | null;
  /** IANA name used as the default timezone of this athlete's new activities. */
  timezone: string;
  created_at: string;
  updated_at: string;
};

export type SimShoe = {
  id: string;
  athlete_id: string;
  name: string;
  nickname: string | null;
  brand_name: string | null;
  model_name: string | null;
  description: string | null;
  primary: boolean;
  retired: boolean;
  /**
   * Distance not explained by the simulator's own activities. Strava reports a shoe's distance
   * as the sum of its activities; reported distance = base + activities, so setting a shoe's
   * distance sets this base.
   */
  base_distance: number;
  created_at: string;
};

export type Visibility = 'everyone' | 'followers_only' | 'only_me';

export type SimActivity = {
  id: string;
  athlete_id: string;
  name: string;
  sport_type: string;
  type: string;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  start_date: string;
  start_date_local: string;
  timezone: string;
  utc_offset: number;
  average_speed: number;
  max_speed: number;
  has_heartrate: boolean;
  average_heartrate: number | null;
  max_heartrate: number | null;
  workout_type: number | null;
  gear_id: string | null;
  manual: boolean;
  trainer: boolean;
  commute: boolean;
  private: boolean;
  visibility: Visibility;
  device_name: string | null;
  description: string | null;
  calories: number;
  perceived_exertion: number | null;
  created_at: string;
  updated_at: string;
  /** Simulator knob: the next N fetches of this activity answer 404 (fresh-create quirk). */
  not_found_fetches: number;
};

export type AccessTokenRecord = { token: string; clientId: string; athleteId: string; expiresAtMs: number };

/** One athlete's grant to one application. Revoking deletes it and all its tokens. */
export type SimAuthorization = {
  clientId: string;
  athleteId: string;
  scopes: string[];
  /** The only refresh token that works: rotation invalidates older ones immediately. */
  refreshToken: string;
  accessTokens: string[];
  createdAt: string;
};

export type AuthorizationCode = {
  code: string;
  clientId: string;
  athleteId: string;
  scopes: string[];
  expiresAtMs: number;
};

export type SimSubscription = {
  id: string;
  clientId: string;
  callbackUrl: string;
  verifyToken: string;
  createdAt: string;
  updatedAt: string;
};

export type DeliveryAttempt = {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
};

export type WebhookEvent = {
  object_type: 'activity' | 'athlete';
  object_id: string;
  aspect_type: 'create' | 'update' | 'delete';
  owner_id: string;
  subscription_id: string;
  event_time: number;
  updates: Record<string, string>;
};

export type EventStatus = 'pending' | 'delivered' | 'failed' | 'dropped' | 'cancelled';

export type EventRecord = {
  id: number;
  clientId: string;
  callbackUrl: string;
  event: WebhookEvent;
  /** The exact JSON text posted, big ids as bare numbers. */
  body: string;
  status: EventStatus;
  attempts: DeliveryAttempt[];
  /** Set on the copy the producer made when asked to duplicate. */
  duplicateOf: number | null;
  createdAt: string;
};

export type RequestRecord = {
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  durationMs: number;
  clientId: string | null;
  athleteId: string | null;
};

export type SimSettings = {
  tokenLifetimeSeconds: number;
  codeLifetimeSeconds: number;
  defaultTimezone: string;
  /** How long the push-subscription validation GET may take (Strava: 2 s). */
  validationTimeoutMs: number;
  requestLogLimit: number;
  eventLogLimit: number;
};

export type SimState = {
  applications: Map<string, SimApplication>;
  athletes: Map<string, SimAthlete>;
  shoes: Map<string, SimShoe>;
  activities: Map<string, SimActivity>;
  /** Keyed by `${clientId}:${athleteId}`. */
  authorizations: Map<string, SimAuthorization>;
  accessTokens: Map<string, AccessTokenRecord>;
  refreshTokens: Map<string, { clientId: string; athleteId: string }>;
  codes: Map<string, AuthorizationCode>;
  /** Keyed by client id: Strava allows one subscription per application. */
  subscriptions: Map<string, SimSubscription>;
  events: EventRecord[];
  requests: RequestRecord[];
  settings: SimSettings;
  ids: {
    athlete: IdSequence;
    activity: IdSequence;
    shoe: IdSequence;
    subscription: IdSequence;
    event: IdSequence;
  };
};

export type StateSeed = {
  athleteIdStart: string;
  activityIdStart: string;
  settings: SimSettings;
};

export function createState(seed: StateSeed): SimState {
  return {
    applications: new Map(),
    athletes: new Map(),
    shoes: new Map(),
    activities: new Map(),
    authorizations: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    subscriptions: new Map(),
    events: [],
    requests: [],
    settings: { ...seed.settings },
    ids: {
      athlete: createIdSequence(seed.athleteIdStart),
      activity: createIdSequence(seed.activityIdStart),
      shoe: createIdSequence(10_000_001n),
      subscription: createIdSequence(120_475n),
      event: createIdSequence(1n),
    },
  };
}

/** Empties the state in place (other modules hold references to it) and restores settings. */
export function clearState(state: SimState, settings: SimSettings): void {
  state.applications.clear();
  state.athletes.clear();
  state.shoes.clear();
  state.activities.clear();
  state.authorizations.clear();
  state.accessTokens.clear();
  state.refreshTokens.clear();
  state.codes.clear();
  state.subscriptions.clear();
  state.events.length = 0;
  state.requests.length = 0;
  state.settings = { ...settings };
  for (const sequence of Object.values(state.ids)) sequence.reset();
}

export function authorizationKey(clientId: string, athleteId: string): string {
  return `${clientId}:${athleteId}`;
}

/** Keeps a log bounded so a long sandbox session cannot grow memory without limit. */
export function appendBounded<T>(log: T[], entry: T, limit: number): void {
  log.push(entry);
  if (log.length > limit) log.splice(0, log.length - limit);
}
