import type { Config } from '../../config.js';
import { createSignedToken, verifySignedToken } from '../../shared/crypto.js';

type LinkConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>;

export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';
/** Long-lived: RFC 8058 clients may POST months after the email arrived. */
const UNSUBSCRIBE_TTL_MS = 365 * 24 * 3_600_000;

/** `$PUBLIC_URL/unsubscribe?token=…` for List-Unsubscribe and the footer link. */
export function unsubscribeUrl(config: LinkConfig, runnerId: string, now: Date): string {
  const token = createSignedToken(
    {
      purpose: UNSUBSCRIBE_PURPOSE,
      subject: runnerId,
      expiresAt: new Date(now.getTime() + UNSUBSCRIBE_TTL_MS),
    },
    config.sessionSecret,
  );
  return `${config.publicUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The runner id the token was minted for, or null (forged, expired, or minted for another purpose). */
export function readUnsubscribeToken(config: LinkConfig, token: string, now: Date): string | null {
  return verifySignedToken(token, UNSUBSCRIBE_PURPOSE, config.sessionSecret, now)?.subject ?? null;
}
