import type { StravaRefusal } from '../../db/schema/index.js';
import {
  StravaAuthError,
  StravaForbiddenError,
  StravaInvalidResponseError,
  StravaNotFoundError,
  StravaRateLimitError,
  StravaRequestError,
  StravaUnavailableError,
} from '../../integrations/strava/errors.js';

/** Endpoints whose 404 means the athlete themself is gone, not one resource they own. */
const ATHLETE_ENDPOINTS = new Set(['GET /athlete', 'GET /athlete/activities']);

/**
 * Whether a failed Strava read of a runner should park them (docs/strava-quota.md):
 * a refusal retrying cannot fix parks at once; a transient failure only on the
 * job's last attempt, once the backoff is spent. Rate limits never park (the
 * job defers instead), and anything that is not Strava's answer (a database
 * error) is left to the ordinary retries.
 */
export function refusalOf(err: unknown, finalAttempt: boolean): StravaRefusal | null {
  if (err instanceof StravaRateLimitError) return null;
  if (err instanceof StravaAuthError)
    return err.failure === 'grant_invalid' ? 'grant_invalid' : 'access_revoked';
  // The list call names a missing activity scope with a 401 `AccessToken … missing` or a 403.
  if (err instanceof StravaForbiddenError) return 'activity_scope_missing';
  if (err instanceof StravaNotFoundError)
    return ATHLETE_ENDPOINTS.has(err.endpoint) ? 'athlete_not_found' : null;
  // Other 4xx and malformed answers: the same call fails the same way on every try.
  if (err instanceof StravaRequestError || err instanceof StravaInvalidResponseError) return 'strava_failing';
  if (err instanceof StravaUnavailableError) return finalAttempt ? 'strava_failing' : null;
  return null;
}
