import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

export const INBOX_STATUSES = ['received', 'done', 'skipped', 'dead'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/**
 * Durable record of every accepted Strava event, committed before the 200
 * (docs/webhooks.md#inbox-before-ack). `eventKey` is the idempotency key and the BullMQ job id.
 */
export const webhookInbox = pgTable(
  'webhook_inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventKey: text('event_key').notNull().unique(),
    runnerId: uuid('runner_id').references(() => runners.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    aspectType: text('aspect_type').notNull(),
    ownerId: text('owner_id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true }).notNull(),
    updates: jsonb('updates').$type<Record<string, string>>().notNull(),
    status: text('status', { enum: INBOX_STATUSES }).notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_inbox_status_idx').on(t.status, t.receivedAt),
    index('webhook_inbox_finished_idx').on(t.finishedAt),
  ],
);
