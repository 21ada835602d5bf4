import { and, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners, type StravaRefusal, stravaTokens } from '../schema/index.js';

/** A runner's stored grant as encrypted at rest (docs/data.md#token-encryption), with what decides its use. */
export type StoredGrantRow = {
  athleteId: string;
  disconnectedAt: Date | null;
  stravaRefusal: StravaRefusal | null;
  accessTokenEnc: string;
  refreshTokenEnc: string;
  expiresAt: Date;
  leaseUntil: Date | null;
};

/** The encrypted token columns, always written together. */
export type GrantCiphertexts = { accessTokenEnc: string; refreshTokenEnc: string; keyId: string };

/** The runner's grant; with `forUpdate`, the token row stays locked until the transaction ends. */
export async function loadGrantRow(
  q: DbOrTx,
  runnerId: string,
  forUpdate = false,
): Promise<StoredGrantRow | undefined> {
  const query = q
    .select({
      athleteId: runners.athleteId,
      disconnectedAt: runners.disconnectedAt,
      stravaRefusal: runners.stravaRefusal,
      accessTokenEnc: stravaTokens.accessTokenEnc,
      refreshTokenEnc: stravaTokens.refreshTokenEnc,
      expiresAt: stravaTokens.expiresAt,
      leaseUntil: stravaTokens.refreshLeaseUntil,
    })
    .from(stravaTokens)
    .innerJoin(runners, eq(runners.id, stravaTokens.runnerId))
    .where(eq(stravaTokens.runnerId, runnerId));
  const [row] = forUpdate ? await query.for('update', { of: stravaTokens }) : await query;
  return row;
}

/** Stores a fresh grant (inserted or replacing the runner's). */
export async function upsertGrant(
  q: DbOrTx,
  runnerId: string,
  grant: GrantCiphertexts & { expiresAt: Date },
  updatedAt: Date,
): Promise<void> {
  const values = {
    ...grant,
    updatedAt,
    // A write of fresh tokens ends any refresh lease: waiters find the tokens usable.
    refreshLeaseId: null,
    refreshLeaseUntil: null,
  };
  await q
    .insert(stravaTokens)
    .values({ runnerId, ...values })
    .onConflictDoUpdate({ target: stravaTokens.runnerId, set: values });
}

export async function takeRefreshLease(
  tx: DbOrTx,
  runnerId: string,
  leaseId: string,
  until: Date,
): Promise<void> {
  await tx
    .update(stravaTokens)
    .set({ refreshLeaseId: leaseId, refreshLeaseUntil: until })
    .where(eq(stravaTokens.runnerId, runnerId));
}

/** Ends the lease, unless another holder has taken it since. */
export async function releaseRefreshLease(db: DbOrTx, runnerId: string, leaseId: string): Promise<void> {
  await db
    .update(stravaTokens)
    .set({ refreshLeaseId: null, refreshLeaseUntil: null })
    .where(and(eq(stravaTokens.runnerId, runnerId), eq(stravaTokens.refreshLeaseId, leaseId)));
}

/** Runners whose grant is not encrypted under `keyId`. */
export async function loadGrantRunnerIdsNotUnderKey(db: DbOrTx, keyId: string): Promise<string[]> {
  const rows = await db
    .select({ runnerId: stravaTokens.runnerId })
    .from(stravaTokens)
    .where(ne(stravaTokens.keyId, keyId));
  return rows.map((r) => r.runnerId);
}

/** The grant's ciphertexts and key, the token row locked until the transaction ends. */
export async function lockGrantCiphertexts(
  tx: DbOrTx,
  runnerId: string,
): Promise<(GrantCiphertexts & { athleteId: string }) | undefined> {
  const [row] = await tx
    .select({
      athleteId: runners.athleteId,
      keyId: stravaTokens.keyId,
      accessTokenEnc: stravaTokens.accessTokenEnc,
      refreshTokenEnc: stravaTokens.refreshTokenEnc,
    })
    .from(stravaTokens)
    .innerJoin(runners, eq(runners.id, stravaTokens.runnerId))
    .where(eq(stravaTokens.runnerId, runnerId))
    .for('update', { of: stravaTokens });
  return row;
}

export async function updateGrantCiphertexts(
  tx: DbOrTx,
  runnerId: string,
  grant: GrantCiphertexts,
  updatedAt: Date,
): Promise<void> {
  await tx
    .update(stravaTokens)
    .set({ ...grant, updatedAt })
    .where(eq(stravaTokens.runnerId, runnerId));
}
