import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/**
 * OAuth tokens, encrypted at rest: `v1:<kid>:<iv>:<tag>:<ct>` with AES-256-GCM and
 * the athlete id as associated data (docs/data.md#token-encryption). Access token,
 * refresh token and expiry are always written together.
 */
export const stravaTokens = pgTable('strava_tokens', {
  runnerId: uuid('runner_id')
    .primaryKey()
    .references(() => runners.id, { onDelete: 'cascade' }),
  accessTokenEnc: text('access_token_enc').notNull(),
  refreshTokenEnc: text('refresh_token_enc').notNull(),
  keyId: text('key_id').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /**
   * The refresh lease (docs/strava.md#token-refresh): whoever holds it calls Strava's
   * refresh grant, outside any transaction; everyone else waits for the rotated tokens.
   * Expires on its own when its holder dies.
   */
  refreshLeaseId: text('refresh_lease_id'),
  refreshLeaseUntil: timestamp('refresh_lease_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
