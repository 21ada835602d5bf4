import { bigserial, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/** How the runner's knee feels ("fine" / "sore" / "pain"), from the page or an email link. */
export const checkIns = pgTable(
  'check_ins',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    feeling: text('feeling', { enum: ['fine', 'sore', 'pain'] }).notNull(),
    source: text('source', { enum: ['page', 'api', 'email'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('check_ins_runner_idx').on(t.runnerId, t.at)],
);
