/**
 * What may alert (docs/alerts.md#what-may-alert): a detection may alert only when its run was first
 * seen after the read that ended the runner's connect, whatever the run's start time. Everything
 * that read returned is history: shown on the plan page, never mailed. Pure functions over the
 * runner's sightings (when RampGuard first saw each run), so the rule survives restarts, re-reads
 * and the purge of the runs cache.
 */

export type Sighting = {
  activityId: string;
  /** The start of the Strava read that first returned the run. */
  firstSeenAt: Date;
  /** First seen by the read that ended a (re)connect: history. */
  inConnectRead: boolean;
};

/**
 * The sightings a read adds: each returned run never seen before, stamped with the read's start.
 * In the read that ends a connect they are all history; a run seen before keeps its first sighting.
 */
export function newSightings(
  known: ReadonlyMap<string, Sighting>,
  runIds: readonly string[],
  readStartedAt: Date,
  connectRead: boolean,
): Sighting[] {
  const added = new Map<string, Sighting>();
  for (const activityId of runIds) {
    if (known.has(activityId) || added.has(activityId)) continue;
    added.set(activityId, { activityId, firstSeenAt: readStartedAt, inConnectRead: connectRead });
  }
  return [...added.values()];
}

/**
 * Whether a detection on this run may alert. For weekly kinds the run is the day's last run, the
 * one that completes the 7 days. A run never seen (not in the read) cannot alert.
 */
export function mayAlert(activityId: string, sightings: ReadonlyMap<string, Sighting>): boolean {
  const sighting = sightings.get(activityId);
  return sighting !== undefined && !sighting.inConnectRead;
}

/**
 * Sightings no later read can need: first seen before the window's start (so the run started
 * before it too) and not returned by this read. Dropping them keeps the record to about one
 * window of runs per runner.
 */
export function staleSightings(
  sightings: Iterable<Sighting>,
  runIds: readonly string[],
  windowStart: Date,
): string[] {
  const read = new Set(runIds);
  const stale: string[] = [];
  for (const s of sightings) {
    if (s.firstSeenAt < windowStart && !read.has(s.activityId)) stale.push(s.activityId);
  }
  return stale;
}
