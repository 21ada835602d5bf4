import type { Config } from '../../config.js';
import { createSignedToken, verifySignedToken } from '../../shared/crypto.js';
import { hashAddress } from '../address/email-address.js';

type LinkConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>;

export const VERIFY_EMAIL_PURPOSE = 'verify-email';
export const VERIFY_EMAIL_TTL_MS = 48 * 3_600_000;

/**
 * The subject binds the runner AND the address (as a hash): a link mailed to an
 * old address can never verify the new one.
 */
export function verifyEmailUrl(config: LinkConfig, runnerId: string, email: string, now: Date): string {
  const token = createSignedToken(
    {
      purpose: VERIFY_EMAIL_PURPOSE,
      subject: `${runnerId}.${hashAddress(email)}`,
      expiresAt: new Date(now.getTime() + VERIFY_EMAIL_TTL_MS),
    },
    config.sessionSecret,
  );
  return `${config.publicUrl}/account/email/verify?token=${encodeURIComponent(token)}`;
}

export type VerifyEmailClaims = { runnerId: string; addressHash: string };

export function readVerifyEmailToken(config: LinkConfig, token: string, now: Date): VerifyEmailClaims | null {
  const claims = verifySignedToken(token, VERIFY_EMAIL_PURPOSE, config.sessionSecret, now);
  const [runnerId, addressHash, extra] = claims?.subject.split('.') ?? [];
  if (!runnerId || !addressHash || extra !== undefined) return null;
  return { runnerId, addressHash };
}
