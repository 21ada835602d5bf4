import { z } from 'zod';
import type { SimClock } from '../clock.js';
import type {
  AccessTokenRecord,
  SimActivity,
  SimAthlete,
  SimAuthorization,
  SimSettings,
  SimShoe,
  SimState,
  SimSubscription,
} from '../state.js';

/**
 * What of the simulator survives a restart (docs/sandbox.md#what-survives-a-restart):
 * athletes, shoes, activities, grants and their tokens, webhook subscriptions,
 * settings, id counters and the clock offset. Applications come from the
 * options on every start; authorization codes (minutes-long), the request and
 * event logs, pending deliveries, faults and rate-limit counters do not survive.
 */
export const SNAPSHOT_FORMAT = 'rampguard-strava-simulator.v1';

export type Snapshot = {
  format: typeof SNAPSHOT_FORMAT;
  savedAt: string;
  clockOffsetMs: number;
  settings: SimSettings;
  athletes: SimAthlete[];
  shoes: SimShoe[];
  activities: SimActivity[];
  authorizations: SimAuthorization[];
  accessTokens: AccessTokenRecord[];
  subscriptions: SimSubscription[];
  ids: Record<keyof SimState['ids'], string>;
};

export function takeSnapshot(state: SimState, clock: SimClock, now: Date): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    savedAt: now.toISOString(),
    clockOffsetMs: clock.offsetMs(),
    settings: state.settings,
    athletes: [...state.athletes.values()],
    shoes: [...state.shoes.values()],
    activities: [...state.activities.values()],
    authorizations: [...state.authorizations.values()],
    accessTokens: [...state.accessTokens.values()],
    subscriptions: [...state.subscriptions.values()],
    ids: {
      athlete: state.ids.athlete.peek(),
      activity: state.ids.activity.peek(),
      shoe: state.ids.shoe.peek(),
      subscription: state.ids.subscription.peek(),
      event: state.ids.event.peek(),
    },
  };
}

// The file is ours, but it is read back into a server: check its shape before trusting it.
const ZRecord = z.record(z.string(), z.unknown());
const ZId = z.string().regex(/^\d+$/);
const ZSnapshot = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  savedAt: z.string(),
  clockOffsetMs: z.number().finite(),
  settings: ZRecord,
  athletes: z.array(ZRecord.and(z.object({ id: z.string() }))),
  shoes: z.array(ZRecord.and(z.object({ id: z.string() }))),
  activities: z.array(ZRecord.and(z.object({ id: z.string() }))),
  authorizations: z.array(
    ZRecord.and(
      z.object({
        clientId: z.string(),
        athleteId: z.string(),
        refreshToken: z.string(),
        accessTokens: z.array(z.string()),
      }),
    ),
  ),
  accessTokens: z.array(ZRecord.and(z.object({ token: z.string() }))),
  subscriptions: z.array(ZRecord.and(z.object({ clientId: z.string() }))),
  ids: z.object({ athlete: ZId, activity: ZId, shoe: ZId, subscription: ZId, event: ZId }),
});

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

export function parseSnapshot(text: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError(`not JSON: ${(err as Error).message}`);
  }
  const result = ZSnapshot.safeParse(data);
  if (!result.success) throw new SnapshotError(result.error.issues[0]?.message ?? 'invalid snapshot');
  return result.data as unknown as Snapshot;
}

/** Loads a snapshot into an empty state (applications already registered), in place. */
export function restoreSnapshot(state: SimState, clock: SimClock, snapshot: Snapshot): void {
  state.settings = { ...state.settings, ...snapshot.settings };
  for (const athlete of snapshot.athletes) state.athletes.set(athlete.id, athlete);
  for (const shoe of snapshot.shoes) state.shoes.set(shoe.id, shoe);
  for (const activity of snapshot.activities) state.activities.set(activity.id, activity);
  for (const record of snapshot.accessTokens) state.accessTokens.set(record.token, record);
  for (const auth of snapshot.authorizations) {
    state.authorizations.set(`${auth.clientId}:${auth.athleteId}`, auth);
    state.refreshTokens.set(auth.refreshToken, { clientId: auth.clientId, athleteId: auth.athleteId });
  }
  for (const subscription of snapshot.subscriptions)
    state.subscriptions.set(subscription.clientId, subscription);
  for (const [name, next] of Object.entries(snapshot.ids))
    state.ids[name as keyof SimState['ids']].resumeAt(next);
  clock.advance(snapshot.clockOffsetMs - clock.offsetMs());
}
