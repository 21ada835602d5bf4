import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/**
 * Server-side web sessions: the cookie carries a signed random id whose
 * sha256 is stored here, so logout and account deletion end a session at once.
 */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_runner_idx').on(t.runnerId)],
);
