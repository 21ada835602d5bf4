import { eq } from 'drizzle-orm';
import { runners } from '../../db/schema/index.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../deps.js';
import { hashAddress, isDeliverableAddress, normalizeAddress } from './email-address.js';
import { enqueueSendEmails } from './enqueue-send-email.js';
import { queueEmail } from './queue-email.js';

/** Repeated requests for the same address within one bucket queue a single email. */
const RESEND_BUCKET_MS = 10 * 60_000;

export type EmailVerificationRequest = {
  status: 'queued' | 'already-queued' | 'already-verified';
  outboxId: number | null;
};

/**
 * `PUT /api/me/email` (SPEC §3): stores the address unverified and queues the
 * verification email in one transaction, then enqueues the send after commit.
 * A new address also lifts an earlier suppression (that was about the old
 * address). Re-submitting the address that is already verified changes nothing.
 * Throws AppError `invalid_email` (400) or `not_found` (404).
 */
export async function requestEmailVerification(
  deps: Pick<AppDeps, 'db' | 'database' | 'clock' | 'queues' | 'logger' | 'health'>,
  runnerId: string,
  email: string,
): Promise<EmailVerificationRequest> {
  const address = email.trim();
  if (!isDeliverableAddress(address))
    throw new AppError('invalid_email', 'That does not look like an email address');
  const now = deps.clock.now();
  const addressHash = hashAddress(address);

  const result = await deps.db.transaction(async (tx): Promise<EmailVerificationRequest> => {
    const [runner] = await tx
      .select({ email: runners.email, verifiedAt: runners.emailVerifiedAt })
      .from(runners)
      .where(eq(runners.id, runnerId))
      .for('update');
    if (!runner) throw new AppError('not_found', 'Runner not found', 404);
    const sameAddress = runner.email !== null && normalizeAddress(runner.email) === normalizeAddress(address);
    if (sameAddress && runner.verifiedAt) return { status: 'already-verified', outboxId: null };

    await tx
      .update(runners)
      .set({ email: address, emailVerifiedAt: null, emailSuppressedAt: null, updatedAt: now })
      .where(eq(runners.id, runnerId));
    const bucket = Math.floor(now.getTime() / RESEND_BUCKET_MS);
    const outboxId = await queueEmail(tx, {
      runnerId,
      template: 'verification',
      dedupeKey: `verification:${runnerId}:${addressHash.slice(0, 32)}:${bucket}`,
      payload: { addressHash },
      now,
    });
    return { status: outboxId === null ? 'already-queued' : 'queued', outboxId };
  });

  if (result.outboxId !== null) await enqueueSendEmails(deps, [result.outboxId]);
  return result;
}
