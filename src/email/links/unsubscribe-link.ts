import type { Config } from '../../config.js';
import { DAY_MS } from '../../domain/duration.js';
import { createSignedToken, verifySignedToken } from '../../shared/crypto.js';

type LinkConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>;

export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';
/** Long-lived: RFC 8058 clients may POST months after the email arrived. */
const UNSUBSCRIBE_TTL_MS = 365 * DAY_MS;

/**
 * `$PUBLIC_URL/unsubscribe?token=…` for List-Unsubscribe and the footer link.
 * The token carries the runner's link version: resetting links in settings
 * kills every earlier one (docs/front-door.md#revocable-links).
 */
export function unsubscribeUrl(config: LinkConfig, runnerId: string, now: Date, linkVersion = 1): string {
  const token = createSignedToken(
    {
      purpose: UNSUBSCRIBE_PURPOSE,
      subject: runnerId,
      expiresAt: new Date(now.getTime() + UNSUBSCRIBE_TTL_MS),
      version: linkVersion,
    },
    config.sessionSecret,
  );
  return `${config.publicUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
}

export type LinkClaims = { runnerId: string; linkVersion: number };

/**
 * The runner and link version the token was minted for, or null (forged,
 * expired, or minted for another purpose). The caller compares the version
 * with the runner's current one.
 */
export function readUnsubscribeToken(config: LinkConfig, token: string, now: Date): LinkClaims | null {
  const claims = verifySignedToken(token, UNSUBSCRIBE_PURPOSE, config.sessionSecret, now);
  return claims ? { runnerId: claims.subject, linkVersion: claims.version ?? 1 } : null;
}
