import { z } from 'zod';

/** 2^63 - 1: Postgres bigint and Strava's own ids stop here; anything larger is not a Strava id. */
export const MAX_INT64_DIGITS = '9223372036854775807';

/** Compares digit strings without BigInt (never throws, whatever the earlier checks found). */
function fitsInt64(digits: string): boolean {
  if (digits.length !== MAX_INT64_DIGITS.length) return digits.length < MAX_INT64_DIGITS.length;
  return digits <= MAX_INT64_DIGITS;
}

/**
 * Strava ids are positive int64s (docs/front-door.md#ids-out-of-range): digits
 * only, at most 19 of them, and no larger than 2^63 - 1, so an id that could
 * not be stored or compared exactly is refused (400) before any row is written.
 */
const ZIdDigits = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, 'must be a positive integer id')
  .refine(fitsInt64, 'must fit in a signed 64-bit integer');

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
 * the real bound. Missing or null on deletes (docs/strava-api.md#event-body) means `{}`.
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
