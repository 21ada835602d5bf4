import { and, asc, eq, isNull, lte, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { stravaRevocations } from '../schema/index.js';

/** A grant kept for a revocation still being retried (docs/disconnect.md#revocation). */
export type RevocationRow = typeof stravaRevocations.$inferSelect;
export type NewRevocation = typeof stravaRevocations.$inferInsert;
/** The encrypted grant columns: what a refresh or a key rotation rewrites. */
export type RevocationGrantColumns = Pick<RevocationRow, 'accessTokenEnc' | 'refreshTokenEnc' | 'keyId'> &
  Partial<Pick<RevocationRow, 'expiresAt'>>;

export async function insertRevocation(tx: DbOrTx, row: NewRevocation): Promise<void> {
  await tx.insert(stravaRevocations).values(row);
}

/** The row, locked until the transaction ends. */
export async function lockRevocation(tx: DbOrTx, id: string): Promise<RevocationRow | undefined> {
  const [row] = await tx.select().from(stravaRevocations).where(eq(stravaRevocations.id, id)).for('update');
  return row;
}

export async function deleteRevocation(db: DbOrTx, id: string): Promise<void> {
  await db.delete(stravaRevocations).where(eq(stravaRevocations.id, id));
}

export async function claimRevocationRow(
  tx: DbOrTx,
  id: string,
  claimId: string,
  claimedUntil: Date,
): Promise<void> {
  await tx.update(stravaRevocations).set({ claimId, claimedUntil }).where(eq(stravaRevocations.id, id));
}

/** Stores a rotated grant, only while this claim still holds the row. */
export async function storeClaimedRevocationGrant(
  db: DbOrTx,
  id: string,
  claimId: string,
  grant: RevocationGrantColumns,
): Promise<void> {
  await db
    .update(stravaRevocations)
    .set(grant)
    .where(and(eq(stravaRevocations.id, id), eq(stravaRevocations.claimId, claimId)));
}

/** Records a failed attempt and releases the claim, only while this claim still holds the row. */
export async function recordRevocationFailure(
  db: DbOrTx,
  id: string,
  claimId: string,
  failure: { attempts: number; nextAttemptAt: Date; lastError: string },
): Promise<void> {
  await db
    .update(stravaRevocations)
    .set({ ...failure, claimId: null, claimedUntil: null })
    .where(and(eq(stravaRevocations.id, id), eq(stravaRevocations.claimId, claimId)));
}

/** Rows due (or past their window) and not being attempted, soonest first. */
export async function loadDueRevocations(
  db: DbOrTx,
  now: Date,
  limit: number,
): Promise<{ id: string; attempts: number }[]> {
  return db
    .select({ id: stravaRevocations.id, attempts: stravaRevocations.attempts })
    .from(stravaRevocations)
    .where(
      and(
        or(lte(stravaRevocations.nextAttemptAt, now), lte(stravaRevocations.giveUpAt, now)),
        or(isNull(stravaRevocations.claimedUntil), lte(stravaRevocations.claimedUntil, now)),
      ),
    )
    .orderBy(asc(stravaRevocations.nextAttemptAt))
    .limit(limit);
}

/** Ids of the rows not encrypted under `keyId`. */
export async function loadRevocationIdsNotUnderKey(db: DbOrTx, keyId: string): Promise<string[]> {
  const rows = await db
    .select({ id: stravaRevocations.id })
    .from(stravaRevocations)
    .where(ne(stravaRevocations.keyId, keyId));
  return rows.map((r) => r.id);
}

export async function updateRevocationGrant(
  tx: DbOrTx,
  id: string,
  grant: RevocationGrantColumns,
): Promise<void> {
  await tx.update(stravaRevocations).set(grant).where(eq(stravaRevocations.id, id));
}
