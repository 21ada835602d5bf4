import { and, eq, inArray } from 'drizzle-orm';
import type { Sighting } from '../../domain/sightings.js';
import type { DbOrTx } from '../client.js';
import { runSightings } from '../schema/index.js';

/** The runner's sightings by activity id (docs/alerts.md#what-may-alert). */
export async function loadSightings(db: DbOrTx, runnerId: string): Promise<Map<string, Sighting>> {
  const rows = await db
    .select({
      activityId: runSightings.activityId,
      firstSeenAt: runSightings.firstSeenAt,
      inConnectRead: runSightings.inConnectRead,
    })
    .from(runSightings)
    .where(eq(runSightings.runnerId, runnerId));
  return new Map(rows.map((r) => [r.activityId, r]));
}

/** Adds sightings; a run already recorded keeps its first sighting. */
export async function insertSightings(
  tx: DbOrTx,
  runnerId: string,
  sightings: readonly Sighting[],
): Promise<void> {
  // Chunked like the runs cache: a year of runs in one statement would exceed Postgres' parameter limit.
  for (let i = 0; i < sightings.length; i += 1_000) {
    await tx
      .insert(runSightings)
      .values(sightings.slice(i, i + 1_000).map((s) => ({ runnerId, ...s })))
      .onConflictDoNothing();
  }
}

export async function deleteSightings(
  tx: DbOrTx,
  runnerId: string,
  activityIds?: readonly string[],
): Promise<void> {
  if (activityIds?.length === 0) return;
  await tx
    .delete(runSightings)
    .where(
      activityIds
        ? and(eq(runSightings.runnerId, runnerId), inArray(runSightings.activityId, [...activityIds]))
        : eq(runSightings.runnerId, runnerId),
    );
}
