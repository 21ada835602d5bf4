import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Single-use OAuth `state` values (sha256 stored), valid for 10 minutes (docs/access.md#oauth-state). */
export const oauthStates = pgTable('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
