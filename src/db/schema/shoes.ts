import {
  boolean,
  doublePrecision,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/** Cached shoes (Strava gear `g…`), refreshed by each analysis; purged like runs. */
export const shoes = pgTable(
  'shoes',
  {
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    gearId: text('gear_id').notNull(),
    name: text('name').notNull(),
    distanceM: doublePrecision('distance_m').notNull(),
    retired: boolean('retired').notNull().default(false),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runnerId, t.gearId] }), index('shoes_fetched_idx').on(t.fetchedAt)],
);
