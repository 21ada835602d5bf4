import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

export const ADDRESS_HOLD_REASONS = ['bounced', 'unsubscribed'] as const;
export type AddressHoldReason = (typeof ADDRESS_HOLD_REASONS)[number];

/**
 * Every address a runner has given, by hash only (docs/front-door.md#email-abuse):
 * whether it was ever verified (only then may a verification email greet the
 * recipient by the runner's Strava first name) and whether it is on hold
 * (bounced or unsubscribed: no verification email until the runner confirms it).
 * Remembered per address, so switching to another address and back does not
 * lift a hold.
 */
export const runnerEmailAddresses = pgTable(
  'runner_email_addresses',
  {
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    /** sha256 of the normalized address (`hashAddress`). */
    addressHash: text('address_hash').notNull(),
    /** First time the runner confirmed this address. */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    heldAt: timestamp('held_at', { withTimezone: true }),
    heldReason: text('held_reason', { enum: ADDRESS_HOLD_REASONS }),
  },
  (t) => [primaryKey({ columns: [t.runnerId, t.addressHash] })],
);
