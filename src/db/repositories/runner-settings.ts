import { eq, sql } from 'drizzle-orm';
import type { Units } from '../../domain/types.js';
import type { DbOrTx } from '../client.js';
import { runners } from '../schema/index.js';

/** What the runner chooses about their own account: units and alert mail. */

export type RunnerSettingsPatch = { units?: Units; alertsEnabled?: boolean };

export async function updateRunnerSettings(
  db: DbOrTx,
  runnerId: string,
  patch: RunnerSettingsPatch,
  now: Date,
): Promise<void> {
  await db
    .update(runners)
    .set({ ...patch, updatedAt: now })
    .where(eq(runners.id, runnerId));
}

/** Alerts on or off; turning them on also lifts an earlier one-click unsubscribe. */
export async function setRunnerAlerts(tx: DbOrTx, runnerId: string, on: boolean, now: Date): Promise<void> {
  await tx
    .update(runners)
    .set({ alertsEnabled: on, ...(on ? { unsubscribedAt: null } : {}), updatedAt: now })
    .where(eq(runners.id, runnerId));
}

/** Records a one-click unsubscribe; coalesce keeps the first time, so a repeat is a no-op. */
export async function markRunnerUnsubscribed(tx: DbOrTx, runnerId: string, now: Date): Promise<void> {
  await tx
    .update(runners)
    .set({
      unsubscribedAt: sql`coalesce(${runners.unsubscribedAt}, ${now.toISOString()}::timestamptz)`,
    })
    .where(eq(runners.id, runnerId));
}
