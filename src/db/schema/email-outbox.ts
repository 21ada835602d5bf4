import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

/**
 * Transactional outbox (docs/email.md#outbox): the decision to send commits with
 * the plan change; a sender job claims the row, delivers and stamps `sentAt`. `dedupeKey` is
 * unique per (runner, plan change, template). The recipient is read from
 * `runners` at send time, never stored here.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    template: text('template', {
      enum: ['alert', 'verification', 'taper', 'shoe_mileage', 'strava_access'],
    }).notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    messageId: text('message_id'),
    /**
     * A sender's claim (docs/outbox.md#claim-send-mark): set in a short transaction before
     * the SMTP exchange, so no connection or row lock is held while it runs. Others skip
     * the row while `claimed_until` is ahead; a sender that died is forgotten when it passes.
     */
    claimId: text('claim_id'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('email_outbox_pending_idx').on(t.status, t.nextAttemptAt),
    index('email_outbox_runner_idx').on(t.runnerId, t.template, t.createdAt),
  ],
);
