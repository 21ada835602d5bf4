import type { DbOrTx, Tx } from '../db/client.js';
import { lockRunnerState } from '../db/locks.js';
import {
  deleteRunnerRows,
  loadOutboxRefs,
  lockRunnerForDeletion,
  type RunnerRef,
} from '../db/repositories/runner-data.js';
import type { RunnerTrace } from './leave/runner-trace.js';

/**
 * Deletes every row about a runner, in one transaction (docs/data.md: disconnect
 * and verified deauthorization). Each runner table is cleared explicitly
 * (children first, `runners` last) rather than relying on cascades alone, so a
 * table added without `on delete cascade` still empties. `beforeDelete` runs
 * in the same transaction first (the disconnect keeps the grant for a pending
 * revocation there). Idempotent: returns null when the runner was already
 * gone, else what identifies them outside the database (docs/disconnect.md).
 */
export async function deleteRunner(
  db: DbOrTx,
  runnerId: string,
  beforeDelete?: (tx: Tx, runner: RunnerRef) => Promise<void>,
): Promise<RunnerTrace | null> {
  return db.transaction(async (tx) => {
    // The same per-runner lock as analyses and check-ins: none of them can write a row
    // about this runner between our deletes and our commit.
    await lockRunnerState(tx, runnerId);
    const runner = await lockRunnerForDeletion(tx, runnerId);
    if (!runner) return null;
    const outbox = await loadOutboxRefs(tx, runnerId);
    const ref: RunnerRef = runner;
    await beforeDelete?.(tx, ref);
    await deleteRunnerRows(tx, ref);
    return {
      runnerId: runner.id,
      athleteId: runner.athleteId,
      firstname: runner.firstname,
      email: runner.email,
      outboxIds: outbox.map((row) => row.id),
      messageIds: outbox.flatMap((row) => (row.messageId ? [row.messageId] : [])),
    };
  });
}
