import type { StravaRefusal } from '../../db/repositories/strava-access.js';
import {
  StravaAuthError,
  StravaForbiddenError,
  StravaNotFoundError,
} from '../../integrations/strava/errors.js';

/** Endpoints whose 404 means the athlete themself is gone, not one resource they own. */
const ATHLETE_ENDPOINTS = new Set(['GET /athlete', 'GET /athlete/activities']);

/**
 * A refusal retrying cannot fix (docs/strava-quota.md): the runner is parked at
 * once, after this one call. Anything else returns null: rate limits defer the
 * job, other failures back off (transient-failures.ts).
 */
export function refusalOf(err: unknown): StravaRefusal | null {
  if (err instanceof StravaAuthError)
    return err.failure === 'grant_invalid' ? 'grant_invalid' : 'access_revoked';
  // The list call names a missing activity scope with a 401 `AccessToken … missing` or a 403.
  if (err instanceof StravaForbiddenError) return 'activity_scope_missing';
  if (err instanceof StravaNotFoundError && ATHLETE_ENDPOINTS.has(err.endpoint)) return 'athlete_not_found';
  return null;
}
