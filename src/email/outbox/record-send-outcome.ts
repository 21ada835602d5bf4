import type { AppDeps } from '../../app/deps.js';
import type { Tx } from '../../db/client.js';
import {
  closeRows,
  holdsClaim,
  markSent,
  postponeRows,
  recordFailedAttempt,
  releaseClaim,
} from '../../db/repositories/email-outbox.js';
import { AppError } from '../../shared/errors.js';
import { suppressAddress } from '../address/current-address-hold.js';
import type { MailDeliveryError } from '../transport/mail-errors.js';
import type { Claimed } from './claim-outbox-email.js';
import type { Delivery } from './delivery.js';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from './retry-policy.js';

/** The third step after the server accepted the message: stamp the primary `sent`, cancel the folded rows. */
export async function recordSent(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  claim: Claimed,
  messageId: string,
): Promise<Delivery> {
  const { primary, template } = claim;
  try {
    await deps.db.transaction(async (tx) => {
      await markSent(tx, primary, messageId, deps.clock.now());
      await closeRows(tx, claim.folded, 'cancelled', `folded into ${primary.id}`);
    });
  } catch (err) {
    // The server has the message but the stamp did not commit: give the rows back, so the
    // retry re-sends (same Message-ID) at once instead of after the claim runs out.
    await releaseClaim(deps.db, claim.batchIds, claim.claimId).catch(() => undefined);
    throw err;
  }
  return { outcome: 'sent', template, outboxId: primary.id, folded: claim.folded.length };
}

/** The third step after a refused or failed send; a claim that ran out and was taken over leaves the row alone. */
export async function recordFailure(
  tx: Tx,
  deps: Pick<AppDeps, 'clock'>,
  claim: Claimed,
  error: MailDeliveryError,
  jobAttemptsMade: number,
): Promise<Delivery> {
  const { template, claimId } = claim;
  const row = await holdsClaim(tx, claim.primary.id, claimId);
  if (!row) return { outcome: 'skipped', reason: 'claim taken over' };
  const now = deps.clock.now();
  if (error.permanent) {
    await closeRows(tx, [row.id], 'failed', error.detail);
    await closeRows(tx, claim.folded, 'cancelled', 'address suppressed');
    if (error.suppress) await suppressAddress(tx, row.runnerId, now);
    return { outcome: 'failed', template, outboxId: row.id, error, count: claim.batchIds.length };
  }
  if (row.attempts + 1 >= MAX_SEND_ATTEMPTS) {
    await closeRows(tx, [row.id], 'failed', `gave up: ${error.detail}`);
    await releaseClaim(tx, claim.folded, claimId);
    const gaveUp = new AppError(
      'mail_gave_up',
      `gave up after ${MAX_SEND_ATTEMPTS} attempts: ${error.detail}`,
    );
    return { outcome: 'failed', template, outboxId: row.id, error: gaveUp, count: 1 };
  }
  const nextAttemptAt = new Date(now.getTime() + retryDelayMs(jobAttemptsMade));
  await recordFailedAttempt(tx, row, error.detail, nextAttemptAt);
  // Rows that would have been folded wait with the primary, so the retry (the oldest due row
  // again) keeps the same Message-ID if the failed attempt was in fact delivered.
  await postponeRows(tx, claim.folded, nextAttemptAt);
  await releaseClaim(tx, claim.folded, claimId);
  return { outcome: 'retry', template, outboxId: row.id, error };
}
