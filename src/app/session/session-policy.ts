import { DAY_MS } from '../../domain/duration.js';
/**
 * Session lifetimes (docs/access.md#sessions). A session ends after a week without
 * use (idle, sliding) and 30 days after sign-in whatever happens (absolute).
 * `last_seen_at` is written at most once a minute so reads stay reads.
 */
export const SESSION_IDLE_MS = 7 * DAY_MS;
export const SESSION_ABSOLUTE_MS = 30 * DAY_MS;
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** The instant the session expires if not used again: whichever timeout comes first. */
export function sessionExpiresAt(createdAt: Date, lastSeenAt: Date): Date {
  return new Date(
    Math.min(lastSeenAt.getTime() + SESSION_IDLE_MS, createdAt.getTime() + SESSION_ABSOLUTE_MS),
  );
}
