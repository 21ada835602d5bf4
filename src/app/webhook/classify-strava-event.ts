export type EventAction =
  | { kind: 'analyze'; reason: string }
  | { kind: 'deauthorize' }
  | { kind: 'none'; reason: string };

/**
 * What an event asks of us (docs/webhooks.md). Events are pointers, never content:
 * every activity change asks for an analysis (coalesced) that re-reads
 * Strava. Only a pure title edit is skipped. An update whose keys we do not
 * recognise (or an empty one) is analysed: a missed change costs more than a
 * spare analysis. Deauthorization is keyed on the flag, not on `aspect_type`
 * (docs/strava-api.md#event-body). Takes plain strings: rows come back from the inbox table.
 */
export function classifyStravaEvent(event: {
  objectType: string;
  aspectType: string;
  updates: Readonly<Record<string, string>>;
}): EventAction {
  if (event.objectType === 'athlete') {
    return event.updates.authorized === 'false'
      ? { kind: 'deauthorize' }
      : { kind: 'none', reason: 'athlete event without deauthorization' };
  }
  if (event.aspectType !== 'update') return { kind: 'analyze', reason: `activity ${event.aspectType}` };
  const keys = Object.keys(event.updates);
  if (keys.length > 0 && keys.every((k) => k === 'title'))
    return { kind: 'none', reason: 'title-only update' };
  return { kind: 'analyze', reason: 'activity update' };
}
