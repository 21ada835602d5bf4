import type { StravaEvent } from '../../app/webhook/strava-event.js';
import { quoteIntegerLiterals } from '../../shared/lossless-json.js';
import { ZStravaEventIds, ZStravaEventWire } from './schema.js';

export type ParsedEventBody = { ok: true; event: StravaEvent } | { ok: false; message: string };

/**
 * Parses a webhook body without losing id precision (ids can exceed 2^53).
 * Two parses of an at most 8 KB text: the plain one checks types (ids must be
 * JSON numbers), the one with every integer literal quoted yields the exact
 * digits. Never throws.
 */
export function parseEventBody(raw: string): ParsedEventBody {
  let plain: unknown;
  let exact: unknown;
  try {
    plain = JSON.parse(raw);
    exact = JSON.parse(quoteIntegerLiterals(raw));
  } catch {
    return { ok: false, message: 'Body is not valid JSON' };
  }
  const wire = ZStravaEventWire.safeParse(plain);
  if (!wire.success) return { ok: false, message: describe(wire.error.issues) };
  const ids = ZStravaEventIds.safeParse(exact);
  if (!ids.success) return { ok: false, message: describe(ids.error.issues) };
  return {
    ok: true,
    event: {
      objectType: wire.data.object_type,
      objectId: ids.data.object_id,
      aspectType: wire.data.aspect_type,
      ownerId: ids.data.owner_id,
      subscriptionId: ids.data.subscription_id,
      eventTime: wire.data.event_time,
      updates: wire.data.updates,
    },
  };
}

/** A stable, short message: field paths only, never echoing the sender's values. */
function describe(issues: readonly { path: readonly PropertyKey[] }[]): string {
  const fields = [...new Set(issues.map((i) => i.path.map(String).join('.') || '(body)'))].slice(0, 5);
  return `Invalid Strava event: ${fields.join(', ')}`;
}
