/**
 * Webhook bodies as Strava sends them (docs/webhooks.md, docs/strava-api.md#event-body), each one a new
 * event: `event_time` and `object_id` come from a counter, so every request
 * makes a new inbox row. The mix: mostly activity creates, some updates
 * (title, type, private), deletes, and a few athlete events (deauthorization
 * flags). Owners are connected runners; the subscription id is the real one.
 */
export type EventKind = 'create' | 'update-title' | 'update-type' | 'update-private' | 'delete' | 'athlete';

/** Cumulative shares (out of 1000): 80% create, 5% title, 4% type, 3% private, 5% delete, 3% athlete. */
const MIX: readonly [number, EventKind][] = [
  [800, 'create'],
  [850, 'update-title'],
  [890, 'update-type'],
  [920, 'update-private'],
  [970, 'delete'],
  [1000, 'athlete'],
];

/** 2^53 + 1: ids beyond double precision, as the simulator and real Strava produce. */
const FIRST_OBJECT_ID = 9_007_199_254_740_993n;

export type EventFactory = {
  /** The n-th body (n ≥ 0); deterministic, unique per n. */
  body(n: number): string;
  kind(n: number): EventKind;
};

export function createEventFactory(
  owners: readonly string[],
  subscriptionId: string,
  baseTime: number,
): EventFactory {
  if (owners.length === 0) throw new Error('need at least one owner');
  const kind = (n: number): EventKind => {
    // A fixed permutation of 0..999 so the mix is even over any window, not in runs of one kind.
    const slot = (n * 617) % 1000;
    return MIX.find(([upTo]) => slot < upTo)?.[1] ?? 'create';
  };
  return {
    kind,
    body(n) {
      const k = kind(n);
      const owner = owners[n % owners.length] as string;
      const eventTime = baseTime + n;
      const objectId = (FIRST_OBJECT_ID + BigInt(n)).toString();
      const common = `"owner_id":${owner},"subscription_id":${subscriptionId},"event_time":${eventTime}`;
      switch (k) {
        case 'create':
          return `{"aspect_type":"create","object_id":${objectId},"object_type":"activity",${common},"updates":{}}`;
        case 'update-title':
          return `{"aspect_type":"update","object_id":${objectId},"object_type":"activity",${common},"updates":{"title":"Morning Run ${n}"}}`;
        case 'update-type':
          return `{"aspect_type":"update","object_id":${objectId},"object_type":"activity",${common},"updates":{"type":"Run"}}`;
        case 'update-private':
          return `{"aspect_type":"update","object_id":${objectId},"object_type":"activity",${common},"updates":{"private":"true"}}`;
        case 'delete':
          return `{"aspect_type":"delete","object_id":${objectId},"object_type":"activity",${common}}`;
        case 'athlete':
          // A forged deauthorization: processing verifies with Strava first and deletes nothing.
          return `{"aspect_type":"update","object_id":${owner},"object_type":"athlete",${common},"updates":{"authorized":"false"}}`;
      }
    },
  };
}

/** X-Forwarded-For values: 1,024 addresses, so the per-ip limit (600/min) never trips in a benchmark. */
export function forwardedFor(n: number): string {
  return `10.9.${(n >> 8) & 3}.${n & 255}`;
}
