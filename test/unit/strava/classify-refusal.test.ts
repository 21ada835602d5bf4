import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../../src/app/strava-access/classify-refusal.js';
import {
  TRANSIENT_BACKOFF,
  transientRetryDelayMs,
} from '../../../src/app/strava-access/transient-failures.js';
import {
  StravaAuthError,
  StravaForbiddenError,
  StravaInvalidResponseError,
  StravaNotFoundError,
  StravaRateLimitError,
  StravaRequestError,
  StravaUnavailableError,
} from '../../../src/integrations/strava/errors.js';

describe('refusalOf', () => {
  it('parks at once for refusals that retrying cannot fix', () => {
    expect(refusalOf(new StravaAuthError('x', 'revoked'))).toBe('access_revoked');
    expect(refusalOf(new StravaAuthError('x', 'grant_invalid'))).toBe('grant_invalid');
    expect(refusalOf(new StravaAuthError('x'))).toBe('access_revoked');
    expect(refusalOf(new StravaForbiddenError('GET /athlete/activities'))).toBe('activity_scope_missing');
    expect(refusalOf(new StravaNotFoundError('GET /athlete/activities'))).toBe('athlete_not_found');
    expect(refusalOf(new StravaNotFoundError('GET /athlete'))).toBe('athlete_not_found');
  });

  it('leaves outages, unusable answers, rate limits, a missing shoe and other failures to the backoff', () => {
    expect(refusalOf(new StravaUnavailableError('GET /athlete/activities', 'status 503'))).toBeNull();
    expect(refusalOf(new StravaRequestError('GET /athlete/activities', 400, 'Bad'))).toBeNull();
    expect(refusalOf(new StravaInvalidResponseError('GET /athlete', 'x'))).toBeNull();
    expect(refusalOf(new StravaRateLimitError(new Date(), '15min', 'strava'))).toBeNull();
    expect(refusalOf(new StravaNotFoundError('GET /gear/{id}'))).toBeNull();
    expect(refusalOf(new Error('connection terminated'))).toBeNull();
  });
});

describe('transientRetryDelayMs', () => {
  it('doubles from 30 s, is capped at an hour, and jitters by at most 20%', () => {
    const nominal = (n: number) => transientRetryDelayMs(n, () => 0.5);
    expect([1, 2, 3, 4].map(nominal)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(nominal(8)).toBe(3_600_000);
    expect(nominal(TRANSIENT_BACKOFF.limit)).toBe(3_600_000);
    expect(transientRetryDelayMs(1, () => 0)).toBe(24_000);
    expect(transientRetryDelayMs(1, () => 1)).toBe(36_000);
    const total = Array.from({ length: TRANSIENT_BACKOFF.limit - 1 }, (_, i) => nominal(i + 1)).reduce(
      (a, b) => a + b,
    );
    // The limit is reached after about six hours of retries.
    expect(total / 3_600_000).toBeGreaterThan(5.5);
    expect(total / 3_600_000).toBeLessThan(6.5);
  });
});
