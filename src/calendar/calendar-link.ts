import type { Config } from '../config.js';
import { DAY_MS } from '../domain/duration.js';
import type { LinkClaims } from '../email/links/unsubscribe-link.js';
import { createSignedToken, verifySignedToken } from '../shared/crypto.js';

type LinkConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>;

export const CALENDAR_PURPOSE = 'calendar';
/** Calendar apps poll a subscribed URL for years; the runner's deletion ends it sooner (404). */
const CALENDAR_TTL_MS = 5 * 365 * DAY_MS;
/** Expiry rounded to 30-day steps, so the link shown on /plan stays the same for a month. */
const STEP_MS = 30 * DAY_MS;

/**
 * `$PUBLIC_URL/plan.ics?token=…`: a signed, long-lived token naming the
 * runner and their link version, for the purpose `calendar` only (it cannot
 * check in or unsubscribe). "Reset my calendar link" bumps the version, so the
 * old URL stops working (docs/front-door.md#revocable-links).
 */
export function calendarFeedUrl(config: LinkConfig, runnerId: string, now: Date, linkVersion = 1): string {
  const expiresAt = new Date(Math.floor(now.getTime() / STEP_MS) * STEP_MS + CALENDAR_TTL_MS);
  const token = createSignedToken(
    { purpose: CALENDAR_PURPOSE, subject: runnerId, expiresAt, version: linkVersion },
    config.sessionSecret,
  );
  return `${config.publicUrl}/plan.ics?token=${encodeURIComponent(token)}`;
}

/** The runner and link version a calendar token names, or null (forged, expired or minted for another purpose). */
export function readCalendarToken(config: LinkConfig, token: string, now: Date): LinkClaims | null {
  const claims = verifySignedToken(token, CALENDAR_PURPOSE, config.sessionSecret, now);
  return claims ? { runnerId: claims.subject, linkVersion: claims.version ?? 1 } : null;
}
