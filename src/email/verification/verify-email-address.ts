import type { AppDeps } from '../../app/deps.js';
import { markAddressVerified } from '../../db/repositories/email-addresses.js';
import { markRunnerEmailVerified } from '../../db/repositories/runner-email-verification.js';
import { findRunnerEmail } from '../../db/repositories/runner-profile.js';
import { hashAddress } from '../address/email-address.js';
import { readVerifyEmailToken } from '../links/verify-email-link.js';

type VerifyDeps = Pick<AppDeps, 'config' | 'db' | 'clock'>;

export type VerificationTarget = { runnerId: string; email: string; verified: boolean };

/** Valid signature, unexpired, and the runner's CURRENT address is the one the token was minted for. */
export async function verificationTarget(
  deps: VerifyDeps,
  token: string,
): Promise<VerificationTarget | null> {
  const claims = readVerifyEmailToken(deps.config, token, deps.clock.now());
  if (!claims) return null;
  const runner = await findRunnerEmail(deps.db, claims.runnerId);
  if (!runner?.email || hashAddress(runner.email) !== claims.addressHash) return null;
  return { runnerId: claims.runnerId, email: runner.email, verified: runner.verifiedAt !== null };
}

/**
 * Verifies the address the token names; false when the runner changed it
 * since the read (then nothing is verified). A repeat is a no-op.
 */
export async function verifyEmailAddress(deps: VerifyDeps, target: VerificationTarget): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const verified = await markRunnerEmailVerified(tx, target.runnerId, target.email, now);
    // Remembered per address: a later verification email to it may greet by name, and any hold is lifted.
    if (verified) await markAddressVerified(tx, target.runnerId, hashAddress(target.email), now);
    return verified;
  });
}
