import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import {
  claimAlertRows,
  claimRow,
  claimRows,
  closeRows,
  lastAlertSentAt,
  type OutboxRow,
  postponeRows,
  readOutboxHead,
  readRecipient,
} from '../../db/repositories/email-outbox.js';
import type { Units } from '../../domain/types.js';
import { AppError } from '../../shared/errors.js';
import { mergeAlertPayloads } from './merge-alert-payloads.js';
import {
  type AlertPayload,
  type OutboxContent,
  type OutboxTemplate,
  parseOutboxContent,
} from './payloads.js';
import { ALERT_INTERVAL_MS, blockReason } from './send-rules.js';

/** Longer than any send may take (the sender's deadline), so a live claim is never taken over. */
export const CLAIM_MS = 5 * 60_000;
/** Clock skew between processes must not make a BullMQ retry find its row "not due yet". */
const DUE_SLACK_MS = 1_000;

/** True while another sender's claim on the row has not run out (docs/outbox.md#claim-send-mark). */
function isClaimedElsewhere(row: OutboxRow, now: Date): boolean {
  return row.claimedUntil !== null && row.claimedUntil.getTime() > now.getTime();
}

/** Everything decided before a send, without a send. */
export type Decision =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'deferred'; template: OutboxTemplate; until: Date; count: number }
  | { outcome: 'cancelled'; template: OutboxTemplate; reason: string; count: number }
  | { outcome: 'failed'; template: OutboxTemplate; outboxId: number; error: AppError; count: number };

/** A row (and for alerts, the rows folded into it) claimed for sending, with what to send. */
export type Claimed = {
  outcome: 'claimed';
  template: OutboxTemplate;
  claimId: string;
  primary: OutboxRow;
  /** Every claimed row: the primary and those folded into it. */
  batchIds: number[];
  folded: number[];
  content: OutboxContent;
  recipient: { email: string; firstName: string; timeZone: string; units: Units; linkVersion: number };
};

/**
 * The first short transaction of a send (docs/outbox.md#claim-send-mark):
 * re-read the row, apply the send rules (block, 24 h window, folding), and
 * claim the rows to send until CLAIM_MS from now. Nothing here waits on the
 * network; the SMTP exchange runs after the commit.
 */
export async function claimOutboxEmail(tx: Tx, outboxId: number, now: Date): Promise<Decision | Claimed> {
  const head = await readOutboxHead(tx, outboxId);
  if (!head) return { outcome: 'skipped', reason: 'row deleted' };
  if (head.status !== 'pending') return { outcome: 'skipped', reason: `already ${head.status}` };
  const isAlert = head.template === 'alert';
  const rows = isAlert ? await claimAlertRows(tx, head.runnerId) : await claimRow(tx, outboxId);
  // A send in flight (for alerts: of any alert of this runner) finishes first; the sweeper comes back.
  if (rows.length === 0 || rows.some((row) => isClaimedElsewhere(row, now))) {
    return { outcome: 'skipped', reason: 'claimed elsewhere' };
  }

  const parsed: { row: OutboxRow; content: OutboxContent }[] = [];
  const unusable: number[] = [];
  for (const row of rows) {
    try {
      parsed.push({ row, content: parseOutboxContent(row.template, row.payload) });
    } catch {
      unusable.push(row.id);
    }
  }
  await closeRows(tx, unusable, 'failed', 'invalid payload');
  if (unusable.includes(outboxId) && !isAlert) {
    const error = new AppError('invalid_outbox_payload', 'invalid payload');
    return { outcome: 'failed', template: head.template, outboxId, error, count: 1 };
  }

  const due = parsed.filter((c) => c.row.nextAttemptAt.getTime() <= now.getTime() + DUE_SLACK_MS);
  const primary = due[0];
  if (!primary) return { outcome: 'skipped', reason: 'not due' };
  const batch = isAlert ? parsed : [primary];
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

  const claimId = randomUUID();
  await claimRows(tx, batchIds, claimId, new Date(now.getTime() + CLAIM_MS));
  const content: OutboxContent = isAlert
    ? { template: 'alert', payload: mergeAlertPayloads(batch.map((c) => c.content.payload as AlertPayload)) }
    : primary.content;
  return {
    outcome: 'claimed',
    template: head.template,
    claimId,
    primary: primary.row,
    batchIds,
    folded: batchIds.filter((id) => id !== primary.row.id),
    content,
    recipient: {
      email: recipient.email,
      firstName: recipient.firstname,
      timeZone: recipient.timeZone,
      units: recipient.units as Units,
      linkVersion: recipient.linkVersion,
    },
  };
}
