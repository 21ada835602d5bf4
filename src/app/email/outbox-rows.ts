import { and, asc, eq, inArray, max, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { lockKey } from '../../db/locks.js';
import { emailOutbox, runners } from '../../db/schema/index.js';
import { holdCurrentAddress } from './address-history.js';

/** Typed queries on the outbox for the sender; business rules live in send-outbox-email.ts. */

export type OutboxRow = typeof emailOutbox.$inferSelect;

export async function readOutboxHead(tx: Tx, outboxId: number) {
  const [head] = await tx
    .select({ runnerId: emailOutbox.runnerId, template: emailOutbox.template, status: emailOutbox.status })
    .from(emailOutbox)
    .where(eq(emailOutbox.id, outboxId));
  return head;
}

/** Locks one pending row, or returns nothing when another sender holds it or it is finished. */
export async function claimRow(tx: Tx, outboxId: number): Promise<OutboxRow[]> {
  return tx
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.id, outboxId), eq(emailOutbox.status, 'pending')))
    .for('update', { skipLocked: true });
}

/**
 * Alert claims of one runner are serialized by a transaction-scoped advisory
 * lock, taken before any row lock; together with the claim (a send in flight
 * holds every row it folds, and the sender skips while any alert row of the
 * runner is claimed) two jobs can never both decide that the 24 h window is
 * open and each send an alert. Then every pending alert row of the runner is
 * locked, oldest first.
 */
export async function claimAlertRows(tx: Tx, runnerId: string): Promise<OutboxRow[]> {
  await lockKey(tx, `email-alert:${runnerId}`);
  return tx
    .select()
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.runnerId, runnerId),
        eq(emailOutbox.template, 'alert'),
        eq(emailOutbox.status, 'pending'),
      ),
    )
    .orderBy(asc(emailOutbox.createdAt), asc(emailOutbox.id))
    .for('update', { skipLocked: true });
}

export async function lastAlertSentAt(tx: Tx, runnerId: string): Promise<Date | null> {
  const [row] = await tx
    .select({ at: max(emailOutbox.sentAt) })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.runnerId, runnerId),
        eq(emailOutbox.template, 'alert'),
        eq(emailOutbox.status, 'sent'),
      ),
    );
  return row?.at ?? null;
}

export async function readRecipient(tx: Tx, runnerId: string) {
  const [runner] = await tx
    .select({
      firstname: runners.firstname,
      timezone: runners.timezone,
      units: runners.units,
      email: runners.email,
      emailVerifiedAt: runners.emailVerifiedAt,
      unsubscribedAt: runners.unsubscribedAt,
      emailSuppressedAt: runners.emailSuppressedAt,
      alertsEnabled: runners.alertsEnabled,
      linkVersion: runners.linkVersion,
      stravaRefusal: runners.stravaRefusal,
    })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return runner;
}

/** True while another sender's claim on the row has not run out (docs/outbox.md#claim-send-mark). */
export function isClaimedElsewhere(row: OutboxRow, now: Date): boolean {
  return row.claimedUntil !== null && row.claimedUntil.getTime() > now.getTime();
}

/** Marks rows as being sent by `claimId` until `until`; committed before the SMTP exchange starts. */
export async function claimRows(tx: Tx, ids: readonly number[], claimId: string, until: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(emailOutbox)
    .set({ claimId, claimedUntil: until })
    .where(inArray(emailOutbox.id, [...ids]));
}

/** Gives rows back (after a failed attempt was recorded, or a failed stamp), if the claim is still ours. */
export async function releaseClaim(db: DbOrTx, ids: readonly number[], claimId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(emailOutbox)
    .set({ claimId: null, claimedUntil: null })
    .where(and(inArray(emailOutbox.id, [...ids]), eq(emailOutbox.claimId, claimId)));
}

/** Whether `claimId` still holds the row (a claim that ran out may have been taken over). */
export async function holdsClaim(tx: Tx, outboxId: number, claimId: string): Promise<OutboxRow | undefined> {
  const [row] = await tx
    .select()
    .from(emailOutbox)
    .where(
      and(eq(emailOutbox.id, outboxId), eq(emailOutbox.claimId, claimId), eq(emailOutbox.status, 'pending')),
    )
    .for('update');
  return row;
}

/**
 * Stamps the row sent. Not conditional on the claim: the server accepted the
 * message, so it is sent whoever holds the row now (a sender whose claim ran
 * out and was taken over sent a duplicate with the same Message-ID).
 */
export async function markSent(tx: Tx, row: OutboxRow, messageId: string, now: Date): Promise<void> {
  await tx
    .update(emailOutbox)
    .set({
      status: 'sent',
      sentAt: now,
      messageId,
      attempts: row.attempts + 1,
      lastError: null,
      claimId: null,
      claimedUntil: null,
    })
    .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, 'pending')));
}

export async function closeRows(
  tx: Tx,
  ids: readonly number[],
  status: 'cancelled' | 'failed',
  reason: string,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(emailOutbox)
    .set({ status, lastError: reason, claimId: null, claimedUntil: null })
    .where(and(inArray(emailOutbox.id, [...ids]), eq(emailOutbox.status, 'pending')));
}

export async function recordFailedAttempt(
  tx: Tx,
  row: OutboxRow,
  detail: string,
  nextAttemptAt: Date,
): Promise<void> {
  await tx
    .update(emailOutbox)
    .set({ attempts: row.attempts + 1, lastError: detail, nextAttemptAt, claimId: null, claimedUntil: null })
    .where(eq(emailOutbox.id, row.id));
}

/** Moves rows' next attempt to at least `until` (never earlier than already planned). */
export async function postponeRows(tx: Tx, ids: readonly number[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(emailOutbox)
    .set({ nextAttemptAt: sql`greatest(${emailOutbox.nextAttemptAt}, ${until.toISOString()}::timestamptz)` })
    .where(inArray(emailOutbox.id, [...ids]));
}

/**
 * The address answered a permanent 5xx: nothing more goes to it until the
 * runner gives one again, and that address stays on hold (no verification
 * email) until the runner confirms it (docs/front-door.md#email-abuse).
 */
export async function suppressAddress(tx: Tx, runnerId: string, now: Date): Promise<void> {
  await holdCurrentAddress(tx, runnerId, 'bounced', now);
  await tx
    .update(runners)
    .set({
      emailSuppressedAt: sql`coalesce(${runners.emailSuppressedAt}, ${now.toISOString()}::timestamptz)`,
    })
    .where(eq(runners.id, runnerId));
}
