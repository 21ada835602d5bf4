import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../../src/app/strava-access/classify-refusal.js';
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
    expect(refusalOf(new StravaAuthError('x', 'revoked'), false)).toBe('access_revoked');
    expect(refusalOf(new StravaAuthError('x', 'grant_invalid'), false)).toBe('grant_invalid');
    expect(refusalOf(new StravaAuthError('x'), false)).toBe('access_revoked');
    expect(refusalOf(new StravaForbiddenError('GET /athlete/activities'), false)).toBe(
      'activity_scope_missing',
    );
    expect(refusalOf(new StravaNotFoundError('GET /athlete/activities'), false)).toBe('athlete_not_found');
    expect(refusalOf(new StravaNotFoundError('GET /athlete'), false)).toBe('athlete_not_found');
    expect(refusalOf(new StravaRequestError('GET /athlete/activities', 400, 'Bad'), false)).toBe(
      'strava_failing',
    );
    expect(refusalOf(new StravaInvalidResponseError('GET /athlete', 'x'), false)).toBe('strava_failing');
  });

  it('leaves transient failures to the retries until the last attempt', () => {
    const outage = new StravaUnavailableError('GET /athlete/activities', 'status 503');
    expect(refusalOf(outage, false)).toBeNull();
    expect(refusalOf(outage, true)).toBe('strava_failing');
  });

  it('never parks for a rate limit, a missing shoe, or a failure that is not Strava', () => {
    const limited = new StravaRateLimitError(new Date(), '15min', 'strava');
    expect(refusalOf(limited, true)).toBeNull();
    expect(refusalOf(new StravaNotFoundError('GET /gear/{id}'), true)).toBeNull();
    expect(refusalOf(new Error('connection terminated'), true)).toBeNull();
  });
});
