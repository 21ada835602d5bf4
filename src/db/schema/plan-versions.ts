import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { runners } from './runners.js';

/** Every plan version with its reasons (docs/plan.md: every plan change is stored). */
export const planVersions = pgTable(
  'plan_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runnerId: uuid('runner_id')
      .notNull()
      .references(() => runners.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    phase: text('phase', { enum: ['daily', 'taper', 'maintenance'] }).notNull(),
    sessionsPerWeek: integer('sessions_per_week').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    /** Detection ids that caused this version. */
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    /** The plan engine's full state (doses, review dates), as plain JSON. */
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('plan_versions_runner_version_uq').on(t.runnerId, t.version),
    index('plan_versions_runner_idx').on(t.runnerId),
  ],
);
