import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { runners } from '../db/schema/index.js';
import { RUNNER_TABLES, type RunnerRef } from './runner-tables.js';

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
    const [runner] = await tx
      .select({ id: runners.id, athleteId: runners.athleteId, scopes: runners.scopes })
      .from(runners)
      .where(eq(runners.id, runnerId));
    if (!runner) return null;
    const ref: RunnerRef = runner;
    const tables: RunnerExport['tables'] = {};
    for (const entry of RUNNER_TABLES) {
      const rows = (await tx.select().from(entry.table).where(entry.where(ref))) as Record<string, unknown>[];
      tables[entry.name] = rows.map((row) => (entry.exportRow ? entry.exportRow(row, ref) : row));
    }
    return { format: 'rampguard-export.v1', exportedAt: now.toISOString(), tables };
  });
}
