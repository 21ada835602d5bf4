import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners } from '../schema/index.js';

/** What the calendar feed needs of its runner: where their days start, and which links are alive. */
export type CalendarFeedRunner = {
  id: string;
  timeZone: string;
  connectedAt: Date;
  linkVersion: number;
};

export async function readCalendarFeedRunner(
  db: DbOrTx,
  runnerId: string,
): Promise<CalendarFeedRunner | undefined> {
  const [runner] = await db
    .select({
      id: runners.id,
      timeZone: runners.timezone,
      connectedAt: runners.connectedAt,
      linkVersion: runners.linkVersion,
    })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return runner;
}
