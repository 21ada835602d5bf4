import type { Tx } from '../../db/client.js';
import { classifyMailError, type MailDeliveryError } from '../../integrations/email/mail-errors.js';
import type { JobOutcome } from '../../jobs/definition.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../deps.js';
import { mergeAlertPayloads } from './merge-alert-payloads.js';
import { outboxMessageId } from './message-id.js';
import {
  claimAlertRows,
  claimRow,
  closeRows,
  lastAlertSentAt,
  markSent,
  type OutboxRow,
  postponeRows,
  readOutboxHead,
  readRecipient,
  recordFailedAttempt,
  suppressAddress,
} from './outbox-rows.js';
import {
  type AlertPayload,
  type OutboxContent,
  type OutboxTemplate,
  parseOutboxContent,
} from './payloads.js';
import { renderOutboxEmail } from './render-outbox-email.js';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from './retry-policy.js';
import { ALERT_INTERVAL_MS, blockReason } from './send-rules.js';

/**
 * Delivers one outbox row (reliability.md D.27–D.31).
 *
 * The row is claimed with `SELECT … FOR UPDATE SKIP LOCKED` and the lock is
 * held through rendering, the SMTP exchange and the stamp, all in one
 * transaction: two jobs for the same row (a stalled BullMQ job and its re-run)
 * can never send at once. Crash semantics: if the process dies (or the commit
 * fails) after the server's 250 but before the commit, the stamp rolls back,
 * the row is still `pending`, and the next attempt sends it again with the
 * same Message-ID, derived from the row id alone. At most one duplicate per
 * such crash, recognisable by its Message-ID. No "sending" marker is written
 * before the send: it would need its own commit and would only turn a possible
 * duplicate into a possible loss.
 *
 * Alerts: at most one per runner per 24 h. Alert sends of a runner are
 * serialized; the oldest due pending alert row is the one sent, and every other
 * pending alert row of that runner is folded into it (one email listing every
 * trigger; the others become `cancelled`, "folded into <id>"). Inside the 24 h
 * window the rows are deferred until the window ends, and the sweeper sends them.
 */
export async function sendOutboxEmail(
  deps: AppDeps,
  outboxId: number,
  jobAttemptsMade = 0,
): Promise<JobOutcome> {
  const result = await deps.db.transaction((tx) => deliver(tx, deps, outboxId, jobAttemptsMade));
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
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'deferred'; template: OutboxTemplate; until: Date; count: number }
  | { outcome: 'cancelled'; template: OutboxTemplate; reason: string; count: number }
  | { outcome: 'sent'; template: OutboxTemplate; outboxId: number; folded: number }
  | { outcome: 'retry'; template: OutboxTemplate; outboxId: number; error: MailDeliveryError }
  | { outcome: 'failed'; template: OutboxTemplate; outboxId: number; error: AppError; count: number };

type Claimed = { row: OutboxRow; content: OutboxContent };

/** Clock skew between processes must not make a BullMQ retry find its row "not due yet". */
const DUE_SLACK_MS = 1_000;

async function deliver(tx: Tx, deps: AppDeps, outboxId: number, jobAttemptsMade: number): Promise<Delivery> {
  const now = deps.clock.now();
  const head = await readOutboxHead(tx, outboxId);
  if (!head) return { outcome: 'skipped', reason: 'row deleted' };
  if (head.status !== 'pending') return { outcome: 'skipped', reason: `already ${head.status}` };
  const isAlert = head.template === 'alert';
  const rows = isAlert ? await claimAlertRows(tx, head.runnerId) : await claimRow(tx, outboxId);

  const claimed: Claimed[] = [];
  const unusable: number[] = [];
  for (const row of rows) {
    try {
      claimed.push({ row, content: parseOutboxContent(row.template, row.payload) });
    } catch {
      unusable.push(row.id);
    }
  }
  await closeRows(tx, unusable, 'failed', 'invalid payload');
  if (unusable.includes(outboxId) && !isAlert) {
    return failed(head.template, outboxId, new AppError('invalid_outbox_payload', 'invalid payload'), 1);
  }

  const due = claimed.filter((c) => c.row.nextAttemptAt.getTime() <= now.getTime() + DUE_SLACK_MS);
  const primary = due[0];
  if (!primary) return { outcome: 'skipped', reason: rows.length === 0 ? 'claimed elsewhere' : 'not due' };
  const batch = isAlert ? claimed : [primary];
  const batchIds = batch.map((c) => c.row.id);

  const recipient = await readRecipient(tx, head.runnerId);
  const blocked = blockReason(primary.content, recipient);
  if (blocked || !recipient?.email) {
    const reason = blocked ?? 'no address';
    await closeRows(tx, batchIds, 'cancelled', reason);
    return { outcome: 'cancelled', template: head.template, reason, count: batchIds.length };
  }

  if (isAlert) {
    const lastSent = await lastAlertSentAt(tx, head.runnerId);
    if (lastSent && lastSent.getTime() + ALERT_INTERVAL_MS > now.getTime()) {
      const until = new Date(lastSent.getTime() + ALERT_INTERVAL_MS);
      await postponeRows(tx, batchIds, until);
      return { outcome: 'deferred', template: 'alert', until, count: batchIds.length };
    }
  }

  const content: OutboxContent = isAlert
    ? { template: 'alert', payload: mergeAlertPayloads(batch.map((c) => c.content.payload as AlertPayload)) }
    : primary.content;
  let rendered: ReturnType<typeof renderOutboxEmail>;
  try {
    rendered = renderOutboxEmail(deps.config, content, {
      runnerId: head.runnerId,
      firstName: recipient.firstname,
      email: recipient.email,
      timeZone: recipient.timezone,
      units: recipient.units,
      linksFrom: primary.row.createdAt,
      linkVersion: recipient.linkVersion,
    });
  } catch (err) {
    await closeRows(tx, batchIds, 'failed', 'render failed');
    return failed(head.template, primary.row.id, err as AppError, batchIds.length);
  }

  const messageId = outboxMessageId(deps.config, primary.row.id);
  const folded = batchIds.filter((id) => id !== primary.row.id);
  try {
    await deps.mailer.send({ to: recipient.email, messageId, ...rendered });
  } catch (err) {
    const error = classifyMailError(err);
    if (error.permanent) {
      await closeRows(tx, [primary.row.id], 'failed', error.detail);
      await closeRows(tx, folded, 'cancelled', 'address suppressed');
      if (error.suppress) await suppressAddress(tx, head.runnerId, now);
      return failed(head.template, primary.row.id, error, batchIds.length);
    }
    if (primary.row.attempts + 1 >= MAX_SEND_ATTEMPTS) {
      await closeRows(tx, [primary.row.id], 'failed', `gave up: ${error.detail}`);
      const gaveUp = new AppError(
        'mail_gave_up',
        `gave up after ${MAX_SEND_ATTEMPTS} attempts: ${error.detail}`,
      );
      return failed(head.template, primary.row.id, gaveUp, 1);
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(jobAttemptsMade));
    await recordFailedAttempt(tx, primary.row, error.detail, nextAttemptAt);
    // Rows that would have been folded wait with the primary, so the retry (the
    // oldest due row again) keeps the same Message-ID if the failed attempt
    // was in fact delivered.
    await postponeRows(tx, folded, nextAttemptAt);
    return { outcome: 'retry', template: head.template, outboxId: primary.row.id, error };
  }

  await markSent(tx, primary.row, messageId, now);
  await closeRows(tx, folded, 'cancelled', `folded into ${primary.row.id}`);
  return { outcome: 'sent', template: head.template, outboxId: primary.row.id, folded: folded.length };
}

function failed(template: OutboxTemplate, outboxId: number, error: AppError, count: number): Delivery {
  return { outcome: 'failed', template, outboxId, error, count };
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
