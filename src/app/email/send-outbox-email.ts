import { DeadlineError, type Tx, withDeadline } from '../../db/client.js';
import { classifyMailError, MailDeliveryError } from '../../integrations/email/mail-errors.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../deps.js';
import type { JobOutcome } from '../queue/job-outcome.js';
import { type Claimed, claimOutboxEmail, type Decision } from './claim-outbox-email.js';
import { outboxMessageId } from './message-id.js';
import {
  closeRows,
  holdsClaim,
  markSent,
  postponeRows,
  recordFailedAttempt,
  releaseClaim,
  suppressAddress,
} from './outbox-rows.js';
import type { OutboxTemplate } from './payloads.js';
import { renderOutboxEmail } from './render-outbox-email.js';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from './retry-policy.js';

/** Bounds one SMTP exchange (nodemailer's own timeouts bound each step); well inside CLAIM_MS. */
const SEND_DEADLINE_MS = 60_000;

/**
 * Delivers one outbox row (docs/email.md) in three steps, none of
 * which holds a database connection while the mail server is talking
 * (docs/outbox.md#claim-send-mark):
 *
 * 1. claim (one short transaction): re-read, apply the send rules, mark the
 *    rows as being sent by this attempt until a deadline;
 * 2. send, with no transaction open;
 * 3. mark (one short transaction): stamp `sent`, or record the failure.
 *
 * Exactly once by Message-ID: the Message-ID is derived from the row id (and
 * the database's lifetime), so every (re-)send of a row carries the same one.
 * A second job for the row (a stalled BullMQ job and its re-run) finds it
 * claimed and skips. If the process dies after the server's 250 and before the
 * stamp, the claim runs out and the row is sent again: at most one duplicate
 * per such crash, recognisable by its Message-ID. If only the stamp fails, the
 * claim is given back so the retry sends at once.
 *
 * Alerts: at most one per runner per 24 h. The oldest due pending alert row is
 * the one sent, and every other pending alert row of that runner is folded into
 * it (one email listing every trigger; the others become `cancelled`, "folded
 * into <id>"). Inside the 24 h window the rows are deferred until it ends, and
 * the sweeper sends them.
 */
export async function sendOutboxEmail(
  deps: AppDeps,
  outboxId: number,
  jobAttemptsMade = 0,
): Promise<JobOutcome> {
  const decided = await deps.db.transaction((tx) => claimOutboxEmail(tx, outboxId, deps.clock.now()));
  const result = decided.outcome === 'claimed' ? await deliver(deps, decided, jobAttemptsMade) : decided;
  report(deps, outboxId, result);
  switch (result.outcome) {
    case 'sent':
      return { outcome: 'done', detail: `sent outbox ${result.outboxId}, folded ${result.folded}` };
    case 'retry':
    case 'failed':
      // Thrown only after the commit, so the recorded attempt survives; the worker
      // retries a retryable error and turns any other into UnrecoverableError.
      throw result.error;
    case 'deferred':
      return { outcome: 'skipped', detail: `deferred until ${result.until.toISOString()}` };
    default:
      return { outcome: 'skipped', detail: result.reason };
  }
}

type Delivery =
  | Decision
  | { outcome: 'sent'; template: OutboxTemplate; outboxId: number; folded: number }
  | { outcome: 'retry'; template: OutboxTemplate; outboxId: number; error: MailDeliveryError };

async function deliver(deps: AppDeps, claim: Claimed, jobAttemptsMade: number): Promise<Delivery> {
  const { primary, template } = claim;
  let rendered: ReturnType<typeof renderOutboxEmail>;
  try {
    rendered = renderOutboxEmail(deps.config, claim.content, {
      runnerId: primary.runnerId,
      firstName: claim.recipient.firstName,
      email: claim.recipient.email,
      timeZone: claim.recipient.timeZone,
      units: claim.recipient.units,
      linksFrom: primary.createdAt,
      linkVersion: claim.recipient.linkVersion,
    });
  } catch (err) {
    await deps.db.transaction((tx) => closeRows(tx, claim.batchIds, 'failed', 'render failed'));
    const error = err instanceof AppError ? err : new AppError('email_render_failed', 'render failed');
    return { outcome: 'failed', template, outboxId: primary.id, error, count: claim.batchIds.length };
  }

  const messageId = outboxMessageId(deps.config, deps.database.lifetime.id(), primary.id);
  try {
    await withDeadline(
      deps.mailer.send({ to: claim.recipient.email, messageId, ...rendered }),
      SEND_DEADLINE_MS,
      'smtp send',
    );
  } catch (err) {
    const error =
      err instanceof DeadlineError
        ? new MailDeliveryError(false, false, 'smtp - - ETIMEDOUT')
        : classifyMailError(err);
    return deps.db.transaction((tx) => recordFailure(tx, deps, claim, error, jobAttemptsMade));
  }

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
async function recordFailure(
  tx: Tx,
  deps: AppDeps,
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

/** Metrics by template and outcome; logs carry outbox ids, never addresses. */
function report({ metrics, logger }: AppDeps, jobOutboxId: number, result: Delivery): void {
  if (result.outcome === 'skipped') {
    logger.debug({ outboxId: jobOutboxId, reason: result.reason }, 'email send skipped');
    return;
  }
  const { template } = result;
  switch (result.outcome) {
    case 'sent':
      metrics.emails.inc({ template, outcome: 'sent' });
      if (result.folded > 0) metrics.emails.inc({ template, outcome: 'folded' }, result.folded);
      logger.info({ outboxId: result.outboxId, template, folded: result.folded }, 'email sent');
      return;
    case 'deferred':
      metrics.emails.inc({ template, outcome: 'deferred' }, result.count);
      logger.info(
        { outboxId: jobOutboxId, template, until: result.until },
        'alert deferred by the 24 h rule',
      );
      return;
    case 'cancelled':
      metrics.emails.inc({ template, outcome: 'cancelled' }, result.count);
      logger.info({ outboxId: jobOutboxId, template, reason: result.reason }, 'email cancelled');
      return;
    case 'retry':
      metrics.emails.inc({ template, outcome: 'retry' });
      logger.warn(
        { outboxId: result.outboxId, template, detail: result.error.detail },
        'email send failed, will retry',
      );
      return;
    case 'failed':
      metrics.emails.inc({ template, outcome: 'failed' }, result.count);
      logger.warn(
        { outboxId: result.outboxId, template, reason: result.error.message },
        'email failed for good',
      );
      return;
  }
}
