import { desc, eq, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { detections } from '../schema/index.js';

/** A runner's stored detections as the API and the plan page list them. */

export type DetectionRow = typeof detections.$inferSelect;

/** Newest detected first; a backfill stores many at the same instant, so the run's start breaks ties. */
export function listDetectionsByDetection(
  db: DbOrTx,
  runnerId: string,
  limit: number,
): Promise<DetectionRow[]> {
  return listDetections(db, runnerId, limit, [
    desc(detections.detectedAt),
    desc(detections.occurredAt),
    desc(detections.id),
  ]);
}

/** Newest occurrence first (the run's day), then newest detected. */
export function listDetectionsByOccurrence(
  db: DbOrTx,
  runnerId: string,
  limit: number,
): Promise<DetectionRow[]> {
  return listDetections(db, runnerId, limit, [
    desc(detections.occurredAt),
    desc(detections.detectedAt),
    desc(detections.id),
  ]);
}

async function listDetections(
  db: DbOrTx,
  runnerId: string,
  limit: number,
  order: SQL[],
): Promise<DetectionRow[]> {
  return db
    .select()
    .from(detections)
    .where(eq(detections.runnerId, runnerId))
    .orderBy(...order)
    .limit(limit);
}
