import { listActivityPage } from '../model/list-activities.js';
import { readQuery } from '../params.js';
import { canReadActivities, canReadPrivateActivities } from '../scopes.js';
import { FAULTS, sendJson } from '../strava-errors.js';
import { presentDetailedActivity, presentSummaryActivity } from './present.js';
import type { ApiRoute } from './route-types.js';

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 200;

function parseInteger(value: string | undefined): number | null {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return null;
  return Number(value);
}

/** Strava's list (the paging rules live in `listActivityPage`). */
export const listAthleteActivities: ApiRoute = {
  method: 'GET',
  path: '/athlete/activities',
  query: ['before', 'after', 'page', 'per_page'],
  auth: 'athlete',
  inSwagger: true,
  handle(ctx, req, res, auth) {
    if (!auth) return sendJson(res, 401, FAULTS.invalidAccessToken);
    const scopes = auth.authorization.scopes;
    if (!canReadActivities(scopes)) return sendJson(res, 401, FAULTS.missingActivityRead);
    const before = parseInteger(readQuery(req, 'before'));
    const after = parseInteger(readQuery(req, 'after'));
    const page = Math.max(1, parseInteger(readQuery(req, 'page')) ?? 1);
    const requested = parseInteger(readQuery(req, 'per_page')) ?? DEFAULT_PER_PAGE;
    const perPage = Math.min(MAX_PER_PAGE, requested < 1 ? DEFAULT_PER_PAGE : requested);
    const visible = listActivityPage(ctx.state.activities.values(), {
      athleteId: auth.token.athleteId,
      before,
      after,
      page,
      perPage,
      readsPrivate: canReadPrivateActivities(scopes),
    });
    sendJson(res, 200, visible.map(presentSummaryActivity));
  },
};

/** Only the owner's token sees an activity; others (and hidden Only You ones) get 404. */
export const getActivityById: ApiRoute = {
  method: 'GET',
  path: '/activities/{id}',
  query: ['include_all_efforts'],
  auth: 'athlete',
  inSwagger: true,
  handle(ctx, req, res, auth) {
    if (!auth) return sendJson(res, 401, FAULTS.invalidAccessToken);
    const scopes = auth.authorization.scopes;
    if (!canReadActivities(scopes)) return sendJson(res, 401, FAULTS.missingActivityRead);
    const activity = ctx.state.activities.get(String(req.params.id));
    const visible =
      activity !== undefined &&
      activity.athlete_id === auth.token.athleteId &&
      (!activity.private || canReadPrivateActivities(scopes));
    if (!activity || !visible) return sendJson(res, 404, FAULTS.activityNotFound);
    if (activity.not_found_fetches > 0) {
      // Strava's fresh-create quirk: the event arrives before the activity can be fetched.
      activity.not_found_fetches--;
      return sendJson(res, 404, FAULTS.activityNotFound);
    }
    sendJson(res, 200, presentDetailedActivity(ctx.state, activity));
  },
};
