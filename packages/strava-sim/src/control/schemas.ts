import { z } from 'zod';
import { isKnownScope } from '../scopes.js';
import { isValidTimezone } from '../timezone.js';

// Control-API bodies. Objects are strict: a misspelt field (`sportType`) is a 400, not a
// silently defaulted value that makes a test pass for the wrong reason.

export const ZDigits = z.string().regex(/^\d+$/, 'must be a string of digits');
const ZTimezone = z.string().refine(isValidTimezone, 'unknown IANA timezone');
const ZSportType = z.string().regex(/^[A-Za-z]{1,40}$/, 'letters only, e.g. Run, TrailRun');
const ZScope = z.string().refine(isKnownScope, 'unknown scope');

export const ZCreateApplication = z.strictObject({
  clientId: ZDigits.optional(),
  clientSecret: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(100).optional(),
  callbackDomain: z.string().min(1).max(253).optional(),
  /** Connected-athlete cap (1 = single-player mode, 10 = Standard); null = none. */
  athleteCapacity: z.number().int().min(0).nullable().optional(),
});

export const ZUpdateApplication = ZCreateApplication.omit({ clientId: true });

export const ZCreateAthlete = z.strictObject({
  id: ZDigits.optional(),
  firstname: z.string().trim().min(1).max(60),
  lastname: z.string().trim().min(1).max(60).optional(),
  measurement_preference: z.enum(['feet', 'meters']).optional(),
  sex: z.enum(['M', 'F']).nullable().optional(),
  city: z.string().max(100).nullable().optional(),
  country: z.string().max(100).nullable().optional(),
  timezone: ZTimezone.optional(),
});

const shoeFields = {
  name: z.string().trim().min(1).max(100),
  nickname: z.string().max(100).nullable().optional(),
  brand_name: z.string().max(100).nullable().optional(),
  model_name: z.string().max(100).nullable().optional(),
  description: z.string().max(1000).nullable().optional(),
  /** Meters. */
  distance: z.number().min(0).max(100_000_000).optional(),
  primary: z.boolean().optional(),
  retired: z.boolean().optional(),
};

export const ZCreateShoe = z.strictObject({
  id: z
    .string()
    .regex(/^g\d+$/, 'shoe ids look like g123')
    .optional(),
  ...shoeFields,
});
export const ZUpdateShoe = z.strictObject(shoeFields).partial();

const activityFields = {
  name: z.string().min(1).max(255),
  sport_type: ZSportType,
  type: ZSportType,
  /** Meters. */
  distance: z.number().min(0).max(10_000_000),
  moving_time: z.number().int().min(1).max(10_000_000),
  elapsed_time: z.number().int().min(1).max(10_000_000),
  total_elevation_gain: z.number().min(0).max(100_000),
  /** The instant (UTC or with an offset); local fields are derived from `timezone`. */
  start_date: z.iso.datetime({ offset: true }),
  timezone: ZTimezone,
  max_speed: z.number().min(0).max(1000),
  has_heartrate: z.boolean(),
  average_heartrate: z.number().min(20).max(260).nullable(),
  max_heartrate: z.number().min(20).max(260).nullable(),
  workout_type: z.number().int().min(0).max(99).nullable(),
  gear_id: z.string().max(40).nullable(),
  manual: z.boolean(),
  trainer: z.boolean(),
  commute: z.boolean(),
  private: z.boolean(),
  visibility: z.enum(['everyone', 'followers_only', 'only_me']),
  device_name: z.string().max(100).nullable(),
  description: z.string().max(10_000).nullable(),
  calories: z.number().min(0).max(100_000),
  perceived_exertion: z.number().min(1).max(10).nullable(),
  /** Simulator knob: the next N GET /activities/{id} answer 404 (fresh-create quirk). */
  not_found_fetches: z.number().int().min(0).max(100),
};

export const ZUpdateActivity = z.strictObject({ ...activityFields, notify: z.boolean() }).partial();

const ZNewActivity = z
  .strictObject(activityFields)
  .partial()
  .extend({ athleteId: ZDigits, id: ZDigits.optional() });

export const ZCreateActivity = ZNewActivity.extend({ notify: z.boolean().optional() });

export const ZBulkCreateActivities = z.strictObject({
  activities: z.array(ZNewActivity).min(1).max(5000),
  /** History seeding: no events unless asked. */
  notify: z.boolean().default(false),
});

export const ZIssueToken = z.strictObject({
  athleteId: ZDigits,
  clientId: ZDigits.optional(),
  scopes: z.array(ZScope).optional(),
  expiresInSeconds: z.number().int().min(0).max(10_000_000).optional(),
});

export const ZClientScope = z.strictObject({ clientId: ZDigits.optional() });

export const ZLimits = z
  .strictObject({
    overallFifteenMin: z.number().int().min(0),
    overallDaily: z.number().int().min(0),
    readFifteenMin: z.number().int().min(0),
    readDaily: z.number().int().min(0),
  })
  .partial();

export const ZFault = z
  .strictObject({
    path: z.string().min(1).max(300).startsWith('/').optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'get', 'post', 'put', 'delete']).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    errorStatus: z.number().int().min(500).max(599).optional(),
    hang: z.boolean().optional(),
    rateLimited: z.boolean().optional(),
    notFound: z.boolean().optional(),
    count: z.number().int().min(1).optional(),
    durationSeconds: z.number().positive().optional(),
  })
  .refine(
    (f) => f.latencyMs !== undefined || f.errorRate !== undefined || f.hang || f.rateLimited || f.notFound,
    'a fault needs at least one of latencyMs, errorRate, hang, rateLimited, notFound',
  );

export const ZClock = z
  .strictObject({
    set: z.iso.datetime({ offset: true }).optional(),
    advanceSeconds: z.number().optional(),
    advanceMs: z.number().optional(),
    reset: z.boolean().optional(),
  })
  .refine(
    (c) => c.set !== undefined || c.advanceSeconds !== undefined || c.advanceMs !== undefined || c.reset,
    'give set, advanceSeconds, advanceMs or reset',
  );

export const ZProducerSettings = z
  .strictObject({
    retryDelayMs: z.number().int().min(0).max(600_000),
    timeoutMs: z.number().int().min(1).max(60_000),
    maxAttempts: z.number().int().min(1).max(10),
    delayMs: z.number().int().min(0).max(600_000),
    duplicateRate: z.number().min(0).max(1),
    duplicateDelayMs: z.number().int().min(0).max(600_000),
    dropRate: z.number().min(0).max(1),
    reorder: z.boolean(),
    reorderWindowMs: z.number().int().min(0).max(60_000),
  })
  .partial();

export const ZSendEvent = z.strictObject({
  clientId: ZDigits.optional(),
  object_type: z.enum(['activity', 'athlete']),
  object_id: ZDigits,
  aspect_type: z.enum(['create', 'update', 'delete']),
  owner_id: ZDigits,
  updates: z.record(z.string(), z.string()).default({}),
  subscription_id: ZDigits.optional(),
  event_time: z.number().int().min(0).optional(),
});

export const ZSettings = z
  .strictObject({
    tokenLifetimeSeconds: z.number().int().min(1).max(10_000_000),
    codeLifetimeSeconds: z.number().int().min(1).max(86_400),
    validationTimeoutMs: z.number().int().min(1).max(60_000),
  })
  .partial();

export type CreateApplicationBody = z.input<typeof ZCreateApplication>;
export type UpdateApplicationBody = z.input<typeof ZUpdateApplication>;
export type CreateAthleteBody = z.input<typeof ZCreateAthlete>;
export type CreateShoeBody = z.input<typeof ZCreateShoe>;
export type UpdateShoeBody = z.input<typeof ZUpdateShoe>;
export type CreateActivityBody = z.input<typeof ZCreateActivity>;
export type UpdateActivityBody = z.input<typeof ZUpdateActivity>;
export type BulkCreateActivitiesBody = z.input<typeof ZBulkCreateActivities>;
export type IssueTokenBody = z.input<typeof ZIssueToken>;
export type LimitsBody = z.input<typeof ZLimits>;
export type FaultBody = z.input<typeof ZFault>;
export type ClockBody = z.input<typeof ZClock>;
export type ProducerSettingsBody = z.input<typeof ZProducerSettings>;
export type SendEventBody = z.input<typeof ZSendEvent>;
export type SettingsBody = z.input<typeof ZSettings>;
