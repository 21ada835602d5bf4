import { listShoes } from '../model/athletes.js';
import { canReadFullProfile } from '../scopes.js';
import { FAULTS, sendJson } from '../strava-errors.js';
import { presentDetailedAthlete, presentSummaryAthlete } from './present.js';
import type { ApiRoute } from './route-types.js';

/** Shoes (and the detailed profile) only with profile:read_all (docs/strava-api.md#gear-and-athlete). */
export const getAuthenticatedAthlete: ApiRoute = {
  method: 'GET',
  path: '/athlete',
  query: [],
  auth: 'athlete',
  inSwagger: true,
  handle(ctx, _req, res, auth) {
    const athlete = auth && ctx.state.athletes.get(auth.token.athleteId);
    if (!auth || !athlete) return sendJson(res, 401, FAULTS.invalidAccessToken);
    const scopes = auth.authorization.scopes;
    if (canReadFullProfile(scopes)) {
      return sendJson(res, 200, presentDetailedAthlete(ctx.state, athlete, listShoes(ctx.state, athlete.id)));
    }
    if (!scopes.includes('read')) return sendJson(res, 401, FAULTS.missingRead);
    sendJson(res, 200, presentSummaryAthlete(athlete));
  },
};
