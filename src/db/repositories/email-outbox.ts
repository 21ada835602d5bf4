import { and, asc, eq, inArray, isNull, lte, max, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client.js';
import { lockKey } from '../locks.js';
import { emailOutbox, runners } from '../schema/index.js';

/**
 * Typed queries on the email outbox (docs/email.md#outbox); the rules that
 * decide what to send live in src/email/outbox/.
 */

/** The reasons a runner is parked; a `strava_access` row's payload names one (docs/strava-quota.md). */
export { STRAVA_REFUSALS, type StravaRefusal } from '../schema/runners.js';

export type OutboxRow = typeof emailOutbox.$inferSelect;
export type OutboxRowTemplate = OutboxRow['template'];

/** The content of one outbox row, as its producer decided it. */
export type OutboxRowContent = {
  template: OutboxRowTemplate;
  /** Unique per (runner, plan change or detection, template): a replay inserts nothing. */
  dedupeKey: string;
  /** Email content only (see src/email/outbox/payloads.ts): never an address or a token. */
  payload: Record<string, unknown>;
};

export type NewOutboxRow = OutboxRowContent & {
  runnerId: string;
  /** The caller's clock (defaults to the database's `now()`); the 24 h rule and the sweeper compare against it. */
  now?: Date;
};

/**
 * Inserts an outbox row inside the caller's transaction (docs/email.md#outbox).
 * `ON CONFLICT (dedupe_key) DO NOTHING`, never select-then-insert. Returns the
 * new row's id, or null when the key already existed; the caller schedules the
 * send job for the id only after its transaction has committed (`scheduleSendJobs`).
 */
export async function insertOutboxRow(tx: DbOrTx, input: NewOutboxRow): Promise<number | null> {
  const [row] = await tx
    .insert(emailOutbox)
    .values({
      runnerId: input.runnerId,
      template: input.template,
      dedupeKey: input.dedupeKey,
      payload: input.payload,
      ...(input.now ? { createdAt: input.now, nextAttemptAt: input.now } : {}),
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  return row?.id ?? null;
}

/**
 * Inserts one runner's rows at one instant (the emails a plan change calls for),
 * one `insertOutboxRow` each. Returns the ids of the rows that are new (a replay
 * inserts none), for the caller to schedule after commit.
 */
export async function insertOutboxRows(
  tx: DbOrTx,
  runnerId: string,
  rows: readonly OutboxRowContent[],
  now: Date,
): Promise<number[]> {
  const ids: number[] = [];
  for (const row of rows) {
    const id = await insertOutboxRow(tx, { runnerId, ...row, now });
    if (id !== null) ids.push(id);
  }
  return ids;
}

/** The id of the row with this dedupe key, if one exists. */
export async function findOutboxIdByDedupeKey(tx: DbOrTx, dedupeKey: string): Promise<number | undefined> {
  const [row] = await tx
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(eq(emailOutbox.dedupeKey, dedupeKey));
  return row?.id;
}

/**
 * Pending rows that are due, not claimed by a live sender, and older than
 * `createdBefore` (fresh rows are scheduled by their producer), most overdue first.
 */
export async function findDueStragglerIds(
  db: DbOrTx,
  now: Date,
  createdBefore: Date,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.status, 'pending'),
        lte(emailOutbox.nextAttemptAt, now),
        // A send in flight holds its claim; a claim that ran out (its sender died) is fair game.
        or(isNull(emailOutbox.claimedUntil), lte(emailOutbox.claimedUntil, now)),
        lte(emailOutbox.createdAt, createdBefore),
      ),
    )
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

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
      timeZone: runners.timezone,
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
