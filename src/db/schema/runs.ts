import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/**
 * Cached, normalized runs (never raw Strava payloads). A cache only: rows
 * fetched more than STRAVA_CACHE_DAYS ago are purged, and every analysis
 * replaces the runner's window with what Strava returns (docs/webhooks.md#the-analysis).
 */
export const runs = pgTable(
  'runs',
  {
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    activityId: text('activity_id').notNull(),
    name: text('name').notNull(),
    sportType: text('sport_type').notNull(),
    type: text('type'),
    startDate: timestamp('start_date', { withTimezone: true }).notNull(),
    timezone: text('timezone').notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    distanceM: doublePrecision('distance_m').notNull(),
    movingTimeS: integer('moving_time_s').notNull(),
    averageHeartrate: doublePrecision('average_heartrate'),
    maxHeartrate: doublePrecision('max_heartrate'),
    workoutType: integer('workout_type'),
    gearId: text('gear_id'),
    manual: boolean('manual').notNull().default(false),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.runnerId, t.activityId] }),
    index('runs_runner_start_idx').on(t.runnerId, t.startDate),
    index('runs_fetched_idx').on(t.fetchedAt),
  ],
);
