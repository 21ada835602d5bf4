import type { DbOrTx } from '../db/client.js';
import { loadRunnerRef, readRunnerRows } from '../db/repositories/runner-data.js';

export type RunnerExport = {
  format: 'rampguard-export.v1';
  exportedAt: string;
  /** Table name → that table's rows about the runner (secrets reduced to what is safe to show). */
  tables: Record<string, Record<string, unknown>[]>;
};

/**
 * Everything RampGuard holds about a runner (docs/data.md, `GET /account/export`),
 * read in one transaction so the tables agree with each other. Null when the
 * runner no longer exists.
 */
export async function exportRunner(db: DbOrTx, runnerId: string, now: Date): Promise<RunnerExport | null> {
  return db.transaction(async (tx) => {
    const ref = await loadRunnerRef(tx, runnerId);
    if (!ref) return null;
    const tables = await readRunnerRows(tx, ref);
    return { format: 'rampguard-export.v1', exportedAt: now.toISOString(), tables };
  });
}
