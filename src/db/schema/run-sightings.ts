import { boolean, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/**
 * When RampGuard first saw each of a runner's runs (docs/alerts.md#what-may-alert): the record
 * that decides whether a detection may alert. RampGuard's own record, not Strava data: ids and
 * times only, so it is not purged with the runs cache and survives restarts and re-reads.
 * Rows for runs first seen before the analysis window are pruned by the analysis.
 */
export const runSightings = pgTable(
  'run_sightings',
  {
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    activityId: text('activity_id').notNull(),
    /** The start of the Strava read that first returned this run. */
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    /** First seen by the read that ends a (re)connect: history, shown but never mailed. */
    inConnectRead: boolean('in_connect_read').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runnerId, t.activityId] })],
);
