import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { type AddressHoldReason, runnerEmailAddresses, runners } from '../schema/index.js';

export type { AddressHoldReason };

/**
 * Queries on a runner's email addresses: the current one on `runners`, and the
 * history of every address given, by hash (`runner_email_addresses`).
 */

/**
 * What RampGuard remembers about each address a runner has given (by hash,
 * docs/front-door.md#email-abuse): whether it was ever verified, and whether it
 * is on hold (bounced or unsubscribed) until the runner confirms it again.
 */
export type AddressRecord = {
  verifiedOnce: boolean;
  hold: AddressHoldReason | null;
};

export async function readAddressRecord(
  tx: DbOrTx,
  runnerId: string,
  addressHash: string,
): Promise<AddressRecord> {
  const [row] = await tx
    .select({ verifiedAt: runnerEmailAddresses.verifiedAt, heldReason: runnerEmailAddresses.heldReason })
    .from(runnerEmailAddresses)
    .where(
      and(eq(runnerEmailAddresses.runnerId, runnerId), eq(runnerEmailAddresses.addressHash, addressHash)),
    );
  return { verifiedOnce: row?.verifiedAt != null, hold: row?.heldReason ?? null };
}

/** The runner confirmed the address (the verification POST): verified once, and any hold is lifted. */
export async function markAddressVerified(
  tx: DbOrTx,
  runnerId: string,
  addressHash: string,
  now: Date,
): Promise<void> {
  await tx
    .insert(runnerEmailAddresses)
    .values({ runnerId, addressHash, verifiedAt: now })
    .onConflictDoUpdate({
      target: [runnerEmailAddresses.runnerId, runnerEmailAddresses.addressHash],
      set: {
        verifiedAt: sql`coalesce(${runnerEmailAddresses.verifiedAt}, excluded.verified_at)`,
        heldAt: null,
        heldReason: null,
      },
    });
}

/** The runner's current address, or null (no address, or no such runner). */
export async function readRunnerEmail(tx: DbOrTx, runnerId: string): Promise<string | null> {
  const [runner] = await tx.select({ email: runners.email }).from(runners).where(eq(runners.id, runnerId));
  return runner?.email ?? null;
}

/** Puts one of the runner's addresses on hold (or records it held). The first reason stays. */
export async function holdAddress(
  tx: DbOrTx,
  runnerId: string,
  addressHash: string,
  reason: AddressHoldReason,
  now: Date,
): Promise<void> {
  await tx
    .insert(runnerEmailAddresses)
    .values({ runnerId, addressHash, heldAt: now, heldReason: reason })
    .onConflictDoUpdate({
      target: [runnerEmailAddresses.runnerId, runnerEmailAddresses.addressHash],
      set: {
        heldAt: sql`coalesce(${runnerEmailAddresses.heldAt}, excluded.held_at)`,
        heldReason: sql`coalesce(${runnerEmailAddresses.heldReason}, excluded.held_reason)`,
      },
    });
}

/** The runner confirmed they want mail at this address again: lifts a hold (of one reason, or any). */
export async function releaseAddressHold(
  tx: DbOrTx,
  runnerId: string,
  addressHash: string,
  reason?: AddressHoldReason,
): Promise<void> {
  await tx
    .update(runnerEmailAddresses)
    .set({ heldAt: null, heldReason: null })
    .where(
      and(
        eq(runnerEmailAddresses.runnerId, runnerId),
        eq(runnerEmailAddresses.addressHash, addressHash),
        reason ? eq(runnerEmailAddresses.heldReason, reason) : undefined,
      ),
    );
}

/** A runner's address is recorded (unverified, no hold) the first time it is given. */
export async function recordAddress(tx: DbOrTx, runnerId: string, addressHash: string): Promise<void> {
  await tx.insert(runnerEmailAddresses).values({ runnerId, addressHash }).onConflictDoNothing();
}

/** Locks the runner's row (serializing one runner's address changes) and reads the current address. */
export async function lockRunnerAddress(
  tx: DbOrTx,
  runnerId: string,
): Promise<{ email: string | null; verifiedAt: Date | null } | undefined> {
  const [runner] = await tx
    .select({ email: runners.email, verifiedAt: runners.emailVerifiedAt })
    .from(runners)
    .where(eq(runners.id, runnerId))
    .for('update');
  return runner;
}

/** Makes `address` the runner's current one, unverified; a new address also lifts the old one's suppression. */
export async function setUnverifiedAddress(
  tx: DbOrTx,
  runnerId: string,
  address: string,
  now: Date,
): Promise<void> {
  await tx
    .update(runners)
    .set({ email: address, emailVerifiedAt: null, emailSuppressedAt: null, updatedAt: now })
    .where(eq(runners.id, runnerId));
}

/** Nothing more goes to the runner's current address (kept from the first time) until they give one again. */
export async function markAddressSuppressed(tx: DbOrTx, runnerId: string, now: Date): Promise<void> {
  await tx
    .update(runners)
    .set({
      emailSuppressedAt: sql`coalesce(${runners.emailSuppressedAt}, ${now.toISOString()}::timestamptz)`,
    })
    .where(eq(runners.id, runnerId));
}
