import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { lockRunnerState } from '../db/locks.js';
import { runners } from '../db/schema/index.js';
import { RUNNER_TABLES, type RunnerRef } from './runner-tables.js';

/**
 * Deletes every row about a runner, in one transaction (SPEC §8: disconnect
 * and verified deauthorization). Each runner table is cleared explicitly
 * (children first, `runners` last) rather than relying on cascades alone, so a
 * table added without `on delete cascade` still empties. Idempotent: returns
 * false when the runner was already gone.
 */
export async function deleteRunner(db: DbOrTx, runnerId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The same per-runner lock as analyses and check-ins: none of them can write a row
    // about this runner between our deletes and our commit.
    await lockRunnerState(tx, runnerId);
    const [runner] = await tx
      .select({ id: runners.id, athleteId: runners.athleteId, scopes: runners.scopes })
      .from(runners)
      .where(eq(runners.id, runnerId))
      .for('update');
    if (!runner) return false;
    const ref: RunnerRef = runner;
    for (const entry of [...RUNNER_TABLES].reverse()) await tx.delete(entry.table).where(entry.where(ref));
    return true;
  });
}
