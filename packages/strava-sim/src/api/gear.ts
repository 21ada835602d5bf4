import { FAULTS, sendJson } from '../strava-errors.js';
import { presentDetailedGear } from './present.js';
import type { ApiRoute } from './route-types.js';

/** DetailedGear; the simulator only knows shoes and shows them to their owner only. */
export const getGearById: ApiRoute = {
  method: 'GET',
  path: '/gear/{id}',
  query: [],
  auth: 'athlete',
  inSwagger: true,
  handle(ctx, req, res, auth) {
    if (!auth) return sendJson(res, 401, FAULTS.invalidAccessToken);
    const shoe = ctx.state.shoes.get(String(req.params.id));
    if (!shoe || shoe.athlete_id !== auth.token.athleteId) return sendJson(res, 404, FAULTS.gearNotFound);
    sendJson(res, 200, presentDetailedGear(ctx.state, shoe));
  },
};
