import { sql } from 'drizzle-orm';
import { boolean, date, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/**
 * RampGuard's own records of what detection found. Unique per (runner, key):
 * re-analysing the same data adds nothing (docs/detection.md#stable-keys).
 */
export const detections = pgTable(
  'detections',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    activityId: text('activity_id').notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    metrics: jsonb('metrics').$type<Record<string, number | string | null>>().notNull(),
    message: text('message').notNull(),
    /** False for history: its run was in the connect read (docs/alerts.md#what-may-alert). */
    alertable: boolean('alertable').notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set once the detection went into an alert email (or was recorded as not sendable). */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
  },
  (t) => [
    unique('detections_runner_key_uq').on(t.runnerId, t.key),
    index('detections_runner_idx').on(t.runnerId, t.detectedAt),
  ],
);
