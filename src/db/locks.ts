import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/**
 * Serializes every write about one runner's training state (analysis, plan
 * review, check-in, deletion) across processes: a transaction-scoped advisory
 * lock, released at commit or rollback. Works the same on PGlite.
 */
export async function lockRunnerState(tx: DbOrTx, runnerId: string): Promise<void> {
  await lockKey(tx, `analysis:${runnerId}`);
}

/** A transaction-scoped advisory lock on any text key. */
export async function lockKey(tx: DbOrTx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}
