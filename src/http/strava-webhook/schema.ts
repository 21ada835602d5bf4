import { z } from 'zod';

/** Strava ids are positive int64s; 20 digits bounds them without a BigInt compare. */
const ZIdDigits = z.string().regex(/^[1-9][0-9]{0,19}$/, 'must be a positive integer id');

/**
 * Any integer-valued JSON number. `z.number().int()` would refuse ids beyond
 * 2^53, which are legal; their exact digits come from `ZStravaEventIds`.
 */
const ZIntegerNumber = z
  .number()
  .refine(Number.isInteger, 'must be an integer')
  .refine((n) => n > 0, 'must be positive');

/** 9999-12-31T23:59:59Z: anything later cannot be a Date or a Postgres timestamp. */
const MAX_EVENT_TIME = 253_402_300_799;

/** Keys start with a letter, so `__proto__` and friends can never become keys. */
const UPDATE_KEY = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * `updates` holds string flags (`"authorized": "false"`, `"private": "true"`)
 * and a title. Values are bounded generously: a long title next to a `type`
 * change must not turn an analysis trigger into a 400; the 8 KB body cap is
 * the real bound. Missing or null on deletes (API.md §1.3) means `{}`.
 */
const ZUpdates = z
  .record(z.string().regex(UPDATE_KEY), z.string().max(2_000))
  .refine((u) => Object.keys(u).length <= 10, 'too many updates keys')
  .nullish();

/**
 * Keys are checked on the raw object first: zod's record silently drops a
 * `__proto__` key, which would make `{"__proto__": "x"}` pass as `{}`.
 */
const ZUpdatesField = z
  .unknown()
  .refine((u) => typeof u !== 'object' || u === null || Object.keys(u).every((k) => UPDATE_KEY.test(k)), {
    message: 'invalid updates key',
  })
  .pipe(ZUpdates)
  .optional()
  .transform((u) => u ?? {});

/**
 * The event as `JSON.parse` sees it: types only. Ids must be JSON numbers
 * (not strings): Strava sends numbers, and accepting both would give one event
 * two spellings. Unknown extra fields are ignored, not rejected, so a field
 * Strava adds one day cannot make every delivery fail.
 */
export const ZStravaEventWire = z.object({
  object_type: z.enum(['activity', 'athlete']),
  aspect_type: z.enum(['create', 'update', 'delete']),
  object_id: ZIntegerNumber,
  owner_id: ZIntegerNumber,
  subscription_id: ZIntegerNumber,
  event_time: z.number().int().positive().max(MAX_EVENT_TIME),
  updates: ZUpdatesField,
});

/**
 * The same body parsed with every integer literal quoted: the ids' exact
 * digits. A fraction or exponent stays a number here and fails, so `1e3` is
 * not an id.
 */
export const ZStravaEventIds = z.object({
  object_id: ZIdDigits,
  owner_id: ZIdDigits,
  subscription_id: ZIdDigits,
});
