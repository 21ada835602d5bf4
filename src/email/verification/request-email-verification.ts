import type { AppDeps } from '../../app/deps.js';
import {
  type AddressHoldReason,
  lockRunnerAddress,
  readAddressRecord,
  recordAddress,
  releaseAddressHold,
  setUnverifiedAddress,
} from '../../db/repositories/email-addresses.js';
import { findOutboxIdByDedupeKey, insertOutboxRow } from '../../db/repositories/email-outbox.js';
import { AppError } from '../../shared/errors.js';
import { hashAddress, isDeliverableAddress, normalizeAddress } from '../address/email-address.js';
import { scheduleSendJobs } from '../outbox/schedule-send-job.js';
import { reserveVerificationEmail } from './verification-limits.js';

/** Repeated requests for the same address within one bucket queue a single email. */
const RESEND_BUCKET_MS = 10 * 60_000;

export type EmailVerificationRequest =
  | { status: 'queued' | 'already-queued' | 'already-verified'; outboxId: number | null }
  /** The address bounced or was unsubscribed: nothing changed until the runner confirms it. */
  | { status: 'needs-confirmation'; outboxId: null; hold: AddressHoldReason };

export type EmailVerificationOptions = {
  /** The runner confirmed that an address on hold (bounced, unsubscribed) may be mailed again. */
  confirmHeldAddress?: boolean;
};

/**
 * `PUT /api/me/email`, `POST /settings/email` and `POST /onboarding/email`:
 * stores the address unverified and queues the verification email in one
 * transaction, then enqueues the send after commit. Re-submitting the
 * address that is already verified changes nothing. A new address also lifts
 * the runner-level suppression (that was about the old address).
 *
 * Abuse brakes (docs/front-door.md#email-abuse):
 * - an address on hold is not mailed until the runner confirms it
 *   (`needs-confirmation`, nothing changed);
 * - a new email takes one from the runner's and the address's budgets in Redis
 *   (EmailRateLimitedError 429; EmailLimitUnavailableError 503 when Redis
 *   cannot answer: email fails closed). A repeat inside the resend bucket
 *   queues nothing and takes nothing;
 * - the email greets by the runner's first name only if this address was
 *   verified before; a stranger's inbox never learns who typed it in.
 *
 * Throws AppError `invalid_email` (400) or `not_found` (404) too.
 */
export async function requestEmailVerification(
  deps: Pick<
    AppDeps,
    'db' | 'database' | 'clock' | 'jobs' | 'logger' | 'health' | 'redis' | 'config' | 'metrics'
  >,
  runnerId: string,
  email: string,
  options: EmailVerificationOptions = {},
): Promise<EmailVerificationRequest> {
  const address = email.trim();
  if (!isDeliverableAddress(address))
    throw new AppError('invalid_email', 'That does not look like an email address');
  const now = deps.clock.now();
  const addressHash = hashAddress(address);

  const result = await deps.db.transaction(async (tx): Promise<EmailVerificationRequest> => {
    // The row lock serializes one runner's requests (the dedupe check below relies on it).
    const runner = await lockRunnerAddress(tx, runnerId);
    if (!runner) throw new AppError('not_found', 'Runner not found', 404);
    const sameAddress = runner.email !== null && normalizeAddress(runner.email) === normalizeAddress(address);
    if (sameAddress && runner.verifiedAt) return { status: 'already-verified', outboxId: null };

    const record = await readAddressRecord(tx, runnerId, addressHash);
    if (record.hold && !options.confirmHeldAddress) {
      return { status: 'needs-confirmation', outboxId: null, hold: record.hold };
    }

    const bucket = Math.floor(now.getTime() / RESEND_BUCKET_MS);
    const dedupeKey = `verification:${runnerId}:${addressHash.slice(0, 32)}:${bucket}`;
    const queued = (await findOutboxIdByDedupeKey(tx, dedupeKey)) !== undefined;
    if (!queued) {
      // Last check before anything is written: a refusal leaves the runner's row untouched.
      await reserveVerificationEmail(
        { redis: deps.redis, queuePrefix: deps.config.queuePrefix, metrics: deps.metrics },
        runnerId,
        addressHash,
        now,
      );
    }

    await setUnverifiedAddress(tx, runnerId, address, now);
    await recordAddress(tx, runnerId, addressHash);
    if (record.hold) await releaseAddressHold(tx, runnerId, addressHash);
    const outboxId = queued
      ? null
      : await insertOutboxRow(tx, {
          runnerId,
          template: 'verification',
          dedupeKey,
          payload: { addressHash, greetByName: record.verifiedOnce },
          now,
        });
    return { status: outboxId === null ? 'already-queued' : 'queued', outboxId };
  });

  if (result.outboxId !== null) await scheduleSendJobs(deps, [result.outboxId]);
  return result;
}
