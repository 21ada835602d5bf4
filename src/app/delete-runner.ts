import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client.js';
import { lockRunnerState } from '../db/locks.js';
import { emailOutbox, runners } from '../db/schema/index.js';
import type { RunnerTrace } from './leave/runner-trace.js';
import { RUNNER_TABLES, type RunnerRef } from './runner-tables.js';

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
    const [runner] = await tx
      .select({
        id: runners.id,
        athleteId: runners.athleteId,
        scopes: runners.scopes,
        firstname: runners.firstname,
        email: runners.email,
      })
      .from(runners)
      .where(eq(runners.id, runnerId))
      .for('update');
    if (!runner) return null;
    const outbox = await tx
      .select({ id: emailOutbox.id, messageId: emailOutbox.messageId })
      .from(emailOutbox)
      .where(eq(emailOutbox.runnerId, runnerId));
    const ref: RunnerRef = runner;
    await beforeDelete?.(tx, ref);
    for (const entry of [...RUNNER_TABLES].reverse()) await tx.delete(entry.table).where(entry.where(ref));
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
