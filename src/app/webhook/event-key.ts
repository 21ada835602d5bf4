import { createHash } from 'node:crypto';
import type { StravaEvent } from './strava-event.js';

/**
 * Strava sends no event id, so the idempotency key is derived from every
 * field (docs/webhooks.md#event-key). The tuple is serialized as a JSON array, which
 * is injective (strings are escaped, positions are fixed), with `updates` as
 * key-sorted pairs so key order on the wire does not matter. The `ev-` prefix
 * keeps the key a valid BullMQ job id: no `:` and never all digits.
 */
export function eventKeyOf(event: StravaEvent): string {
  const updates = Object.entries(event.updates).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([
    event.subscriptionId,
    event.objectType,
    event.objectId,
    event.aspectType,
    event.ownerId,
    event.eventTime,
    updates,
  ]);
  return `ev-${createHash('sha256').update(canonical).digest('hex')}`;
}

/** Shape check for keys arriving from Redis or the database. */
export const EVENT_KEY_PATTERN = /^ev-[0-9a-f]{64}$/;
