import { and, eq, inArray } from 'drizzle-orm';
import type { Detection, Severity } from '../../domain/types.js';
import type { DbOrTx } from '../client.js';
import { detections } from '../schema/index.js';

const SEVERITY_RANK: Record<string, number> = { info: 0, low: 1, moderate: 2, high: 3 };

export type StoredDetection = Detection & { id: string; alertable: boolean };

/**
 * Stores what detection found, idempotently: a key seen before is not stored
 * again unless its severity rose (then the row is updated and reported again,
 * docs/detection.md). `isAlertable` decides, for each stored or risen one, whether it
 * may alert (docs/alerts.md#what-may-alert). Returns only the new and the risen detections.
 */
export async function recordDetections(
  tx: DbOrTx,
  runnerId: string,
  found: readonly Detection[],
  isAlertable: (d: Detection) => boolean,
  now: Date,
): Promise<StoredDetection[]> {
  if (found.length === 0) return [];
  const existing = await tx
    .select({ id: detections.id, key: detections.key, severity: detections.severity })
    .from(detections)
    .where(
      and(
        eq(detections.runnerId, runnerId),
        inArray(
          detections.key,
          found.map((d) => d.key),
        ),
      ),
    );
  const byKey = new Map(existing.map((e) => [e.key, e]));
  const changed: StoredDetection[] = [];
  for (const d of found) {
    const values = {
      kind: d.kind,
      severity: d.severity,
      activityId: d.activityId,
      localDate: d.localDate,
      occurredAt: d.occurredAt,
      metrics: d.metrics,
      message: d.message,
    };
    const prior = byKey.get(d.key);
    if (!prior) {
      const alertable = isAlertable(d);
      const [row] = await tx
        .insert(detections)
        .values({ runnerId, key: d.key, alertable, detectedAt: now, ...values })
        .onConflictDoNothing()
        .returning({ id: detections.id });
      if (row) changed.push({ ...d, id: row.id, alertable });
    } else if (rank(d.severity) > rank(prior.severity as Severity)) {
      // Judged again: a weekly kind's rise can come from a new run that now completes the day.
      const alertable = isAlertable(d);
      const [row] = await tx
        .update(detections)
        .set({ ...values, alertable, notifiedAt: null, detectedAt: now })
        .where(eq(detections.id, prior.id))
        .returning({ id: detections.id });
      if (row) changed.push({ ...d, id: row.id, alertable });
    }
  }
  return changed;
}

function rank(severity: Severity): number {
  return SEVERITY_RANK[severity] ?? 0;
}

/** Weekly detections stored earlier: they take part in the 6-day re-report rule. */
export async function loadWeeklyDetections(db: DbOrTx, runnerId: string) {
  const rows = await db
    .select({
      key: detections.key,
      kind: detections.kind,
      severity: detections.severity,
      localDate: detections.localDate,
    })
    .from(detections)
    .where(
      and(eq(detections.runnerId, runnerId), inArray(detections.kind, ['weekly_ramp', 'intensity_ramp'])),
    );
  return rows.map((r) => ({ ...r, kind: r.kind as Detection['kind'], severity: r.severity as Severity }));
}
