import { and, desc, eq, gte } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runs } from '../schema/index.js';

export type RunRow = typeof runs.$inferSelect;

/** The runner's cached runs that started at or after `since`, newest first. */
export async function listRunsSince(db: DbOrTx, runnerId: string, since: Date): Promise<RunRow[]> {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.runnerId, runnerId), gte(runs.startDate, since)))
    .orderBy(desc(runs.startDate), desc(runs.activityId));
}
