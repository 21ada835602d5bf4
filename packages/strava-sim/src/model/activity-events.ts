import { canReadActivities, canReadPrivateActivities } from '../scopes.js';
import type { SimActivity, SimState, WebhookEvent } from '../state.js';
import { findAuthorization } from './tokens.js';

export type ActivityChange =
  | { kind: 'create'; after: SimActivity }
  | { kind: 'update'; before: SimActivity; after: SimActivity }
  | { kind: 'delete'; before: SimActivity };

/** An event addressed to one application's subscription, before time and id are stamped. */
export type PlannedEvent = {
  clientId: string;
  event: Omit<WebhookEvent, 'subscription_id' | 'event_time'>;
};

function activityEvent(
  activity: SimActivity,
  aspect: WebhookEvent['aspect_type'],
  updates: Record<string, string>,
): PlannedEvent['event'] {
  return {
    object_type: 'activity',
    object_id: activity.id,
    aspect_type: aspect,
    owner_id: activity.athlete_id,
    updates,
  };
}

/**
 * What Strava would tell one app about a change, given the scopes the athlete granted it
 * (docs/strava-api.md#private-activities): Only You activities are invisible without activity:read_all, so going
 * private looks like a delete and going public again like a create. Gear, distance and other
 * edits send nothing.
 */
function eventFor(change: ActivityChange, scopes: readonly string[]): PlannedEvent['event'] | null {
  const seesPrivate = canReadPrivateActivities(scopes);
  if (change.kind === 'create') {
    return change.after.private && !seesPrivate ? null : activityEvent(change.after, 'create', {});
  }
  if (change.kind === 'delete') {
    return change.before.private && !seesPrivate ? null : activityEvent(change.before, 'delete', {});
  }
  const { before, after } = change;
  const privacyChanged = before.private !== after.private;
  if (privacyChanged && !seesPrivate) {
    return activityEvent(after, after.private ? 'delete' : 'create', {});
  }
  if (after.private && !seesPrivate) return null;
  const updates: Record<string, string> = {};
  if (before.name !== after.name) updates.title = after.name;
  if (before.sport_type !== after.sport_type || before.type !== after.type) updates.type = after.sport_type;
  if (privacyChanged) updates.private = String(after.private);
  return Object.keys(updates).length > 0 ? activityEvent(after, 'update', updates) : null;
}

/** One event per application that has a subscription and an activity grant from the owner. */
export function planActivityEvents(state: SimState, change: ActivityChange): PlannedEvent[] {
  const ownerId = change.kind === 'delete' ? change.before.athlete_id : change.after.athlete_id;
  const planned: PlannedEvent[] = [];
  for (const subscription of state.subscriptions.values()) {
    const auth = findAuthorization(state, subscription.clientId, ownerId);
    if (!auth || !canReadActivities(auth.scopes)) continue;
    const event = eventFor(change, auth.scopes);
    if (event) planned.push({ clientId: subscription.clientId, event });
  }
  return planned;
}

export function planDeauthorizationEvent(clientId: string, athleteId: string): PlannedEvent {
  return {
    clientId,
    event: {
      object_type: 'athlete',
      object_id: athleteId,
      aspect_type: 'update',
      owner_id: athleteId,
      updates: { authorized: 'false' },
    },
  };
}
