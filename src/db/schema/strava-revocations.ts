import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Grants still to revoke at Strava after the runner left (docs/disconnect.md#revocation):
 * the disconnect could not reach Strava, so the runner's data is gone but the
 * grant is alive. Only what revoking needs is kept, and only until it succeeds
 * or 48 hours pass: the tokens, encrypted with this row's id as associated data
 * (no runner id, athlete id, name or address). The revocation job retries with
 * backoff; `claimed_until` keeps two attempts from racing (a refresh rotates the token).
 */
export const stravaRevocations = pgTable(
  'strava_revocations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accessTokenEnc: text('access_token_enc').notNull(),
    refreshTokenEnc: text('refresh_token_enc').notNull(),
    keyId: text('key_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** After this the tokens are deleted unrevoked (the runner was told how to revoke themselves). */
    giveUpAt: timestamp('give_up_at', { withTimezone: true }).notNull(),
    /** A code only (`strava_unavailable timeout`), never a token or a Strava message. */
    lastError: text('last_error'),
    claimId: text('claim_id'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('strava_revocations_due_idx').on(t.nextAttemptAt)],
);
