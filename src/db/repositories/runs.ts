import { and, eq, lt } from 'drizzle-orm';
import { localDay } from '../../domain/runs.js';
import type { Run, Shoe } from '../../domain/types.js';
import type { DbOrTx } from '../client.js';
import { runs, shoes } from '../schema/index.js';

type RunRow = typeof runs.$inferSelect;
type ShoeRow = typeof shoes.$inferSelect;

export function toRun(row: RunRow): Run {
  return {
    id: row.activityId,
    name: row.name,
    sportType: row.sportType,
    type: row.type,
    startDate: row.startDate,
    timeZone: row.timezone,
    distanceM: row.distanceM,
    movingTimeS: row.movingTimeS,
    averageHeartrate: row.averageHeartrate,
    maxHeartrate: row.maxHeartrate,
    workoutType: row.workoutType,
    gearId: row.gearId,
    manual: row.manual,
  };
}

export function toShoe(row: ShoeRow): Shoe {
  return { id: row.gearId, name: row.name, distanceM: row.distanceM, retired: row.retired };
}

export async function loadRuns(db: DbOrTx, runnerId: string): Promise<Run[]> {
  const rows = await db.select().from(runs).where(eq(runs.runnerId, runnerId));
  return rows.map(toRun);
}

/** The cached runs' ids and start times only. */
export async function loadRunStarts(
  db: DbOrTx,
  runnerId: string,
): Promise<{ id: string; startDate: Date }[]> {
  return db
    .select({ id: runs.activityId, startDate: runs.startDate })
    .from(runs)
    .where(eq(runs.runnerId, runnerId));
}

export async function loadShoes(db: DbOrTx, runnerId: string): Promise<(Shoe & { fetchedAt: Date })[]> {
  const rows = await db.select().from(shoes).where(eq(shoes.runnerId, runnerId));
  return rows.map((r) => ({ ...toShoe(r), fetchedAt: r.fetchedAt }));
}

/**
 * Replaces the runner's cached runs with what Strava returned for the window:
 * deleted and newly private runs disappear, late uploads appear (docs/webhooks.md).
 */
export async function replaceRuns(
  tx: DbOrTx,
  runnerId: string,
  window: readonly Run[],
  fetchedAt: Date,
): Promise<void> {
  await tx.delete(runs).where(eq(runs.runnerId, runnerId));
  if (window.length === 0) return;
  const rows = window.map((r) => ({
    runnerId,
    activityId: r.id,
    name: r.name,
    sportType: r.sportType,
    type: r.type,
    startDate: r.startDate,
    timezone: r.timeZone,
    localDate: localDay(r.startDate, r.timeZone),
    distanceM: r.distanceM,
    movingTimeS: r.movingTimeS,
    averageHeartrate: r.averageHeartrate,
    maxHeartrate: r.maxHeartrate,
    workoutType: r.workoutType,
    gearId: r.gearId,
    manual: r.manual,
    fetchedAt,
  }));
  // Chunked: a year of runs in one statement would exceed Postgres' parameter limit.
  for (let i = 0; i < rows.length; i += 500) await tx.insert(runs).values(rows.slice(i, i + 500));
}

export async function upsertShoes(
  tx: DbOrTx,
  runnerId: string,
  list: readonly Shoe[],
  fetchedAt: Date,
): Promise<void> {
  for (const shoe of list) {
    const values = { name: shoe.name, distanceM: shoe.distanceM, retired: shoe.retired, fetchedAt };
    await tx
      .insert(shoes)
      .values({ runnerId, gearId: shoe.id, ...values })
      .onConflictDoUpdate({ target: [shoes.runnerId, shoes.gearId], set: values });
  }
}

/** Strava's policy limits caching: drop cached rows fetched before `cutoff` (docs/data.md#cache-limit). */
export async function purgeCachedStravaData(
  db: DbOrTx,
  cutoff: Date,
): Promise<{ runs: number; shoes: number }> {
  const r = await db.delete(runs).where(lt(runs.fetchedAt, cutoff)).returning({ id: runs.activityId });
  const s = await db.delete(shoes).where(lt(shoes.fetchedAt, cutoff)).returning({ id: shoes.gearId });
  return { runs: r.length, shoes: s.length };
}

export async function deleteRun(tx: DbOrTx, runnerId: string, activityId: string): Promise<void> {
  await tx.delete(runs).where(and(eq(runs.runnerId, runnerId), eq(runs.activityId, activityId)));
}
