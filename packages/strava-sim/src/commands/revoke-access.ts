import type { SimContext } from '../context.js';
import { planDeauthorizationEvent } from '../model/activity-events.js';
import { requireAthlete } from '../model/athletes.js';
import { revokeAuthorization } from '../model/tokens.js';
import type { EventRecord } from '../state.js';

/**
 * The athlete withdraws an app's access (on strava.com, or through /oauth/deauthorize): every
 * token dies at once and the app's subscription hears `authorized: "false"`.
 * Without `clientId`, every app the athlete authorized loses access.
 */
export function revokeAccess(
  ctx: SimContext,
  athleteId: string,
  clientId?: string,
): { revoked: string[]; events: EventRecord[] } {
  requireAthlete(ctx.state, athleteId);
  const clientIds = clientId !== undefined ? [clientId] : [...ctx.state.applications.keys()];
  const revoked = clientIds.filter((id) => revokeAuthorization(ctx.state, id, athleteId));
  const events = revoked.flatMap((id) => ctx.producer.publish(planDeauthorizationEvent(id, athleteId)));
  return { revoked, events };
}
