import type { DbOrTx } from '../../db/client.js';
import {
  type AddressHoldReason,
  holdAddress,
  markAddressSuppressed,
  readRunnerEmail,
  releaseAddressHold,
} from '../../db/repositories/email-addresses.js';
import { hashAddress } from './email-address.js';

/**
 * Puts the runner's CURRENT address on hold (an SMTP 5xx bounce, or an
 * unsubscribe). No-op when the runner has no address. The first reason stays.
 */
export async function holdCurrentAddress(
  tx: DbOrTx,
  runnerId: string,
  reason: AddressHoldReason,
  now: Date,
): Promise<void> {
  const email = await readRunnerEmail(tx, runnerId);
  if (!email) return;
  await holdAddress(tx, runnerId, hashAddress(email), reason, now);
}

/** Lifts an unsubscribe hold on the runner's current address (alerts switched back on in settings). */
export async function releaseCurrentAddressHold(
  tx: DbOrTx,
  runnerId: string,
  reason: AddressHoldReason,
): Promise<void> {
  const email = await readRunnerEmail(tx, runnerId);
  if (email) await releaseAddressHold(tx, runnerId, hashAddress(email), reason);
}

/**
 * The address answered a permanent 5xx: nothing more goes to it until the
 * runner gives one again, and that address stays on hold (no verification
 * email) until the runner confirms it (docs/front-door.md#email-abuse).
 */
export async function suppressAddress(tx: DbOrTx, runnerId: string, now: Date): Promise<void> {
  await holdCurrentAddress(tx, runnerId, 'bounced', now);
  await markAddressSuppressed(tx, runnerId, now);
}
