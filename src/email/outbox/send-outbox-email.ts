import type { AppDeps } from '../../app/deps.js';
import type { JobOutcome } from '../../app/queue/job-outcome.js';
import { outboxMessageId } from '../links/message-id.js';
import { type Claimed, claimOutboxEmail } from './claim-outbox-email.js';
import type { Delivery } from './delivery.js';
import { recordFailure, recordSent } from './record-send-outcome.js';
import { renderClaimedEmail } from './render-claimed-email.js';
import { reportDelivery } from './report-delivery.js';
import { sendOverTransport } from './transport-send.js';

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
  reportDelivery(deps, outboxId, result);
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

/** Steps 2 and 3 for a claimed row: render, send with no transaction open, record the outcome. */
async function deliver(deps: AppDeps, claim: Claimed, jobAttemptsMade: number): Promise<Delivery> {
  const rendered = await renderClaimedEmail(deps, claim);
  if (rendered.outcome !== 'rendered') return rendered;
  const messageId = outboxMessageId(deps.config, deps.database.lifetime.id(), claim.primary.id);
  const error = await sendOverTransport(deps.mailer, {
    to: claim.recipient.email,
    messageId,
    ...rendered.email,
  });
  if (error) return deps.db.transaction((tx) => recordFailure(tx, deps, claim, error, jobAttemptsMade));
  return recordSent(deps, claim, messageId);
}
