import { eq, sql } from 'drizzle-orm';
import { runners } from '../db/schema/index.js';
import type { AppDeps } from './deps.js';

/**
 * "Reset my calendar link": bumps the runner's link version, so every calendar
 * feed URL and unsubscribe link minted before stops working at once (they are
 * signed with the version: docs/front-door.md#revocable-links). The plan page
 * shows the new feed URL; the next email carries a new unsubscribe link.
 * Returns the new version (null when the runner is gone).
 */
export async function resetRunnerLinks(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  runnerId: string,
): Promise<number | null> {
  const [row] = await deps.db
    .update(runners)
    .set({ linkVersion: sql`${runners.linkVersion} + 1`, updatedAt: deps.clock.now() })
    .where(eq(runners.id, runnerId))
    .returning({ linkVersion: runners.linkVersion });
  return row?.linkVersion ?? null;
}
