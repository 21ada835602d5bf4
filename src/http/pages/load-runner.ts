import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { runners } from '../../db/schema/index.js';

export type RunnerRow = typeof runners.$inferSelect;

/** The runner's row; null once the runner was deleted (a stale session between check and read). */
export async function loadRunner(db: DbOrTx, runnerId: string): Promise<RunnerRow | null> {
  const [row] = await db.select().from(runners).where(eq(runners.id, runnerId));
  return row ?? null;
}
