import { listRunsSince, type RunRow } from '../../db/repositories/run-listings.js';
import { DAY_MS } from '../../domain/duration.js';
import type { AppDeps } from '../deps.js';

/** `GET /api/activities?days=N`: the cached runs of the last `days` days, newest first. */
export async function listActivities(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  runnerId: string,
  days: number,
): Promise<RunRow[]> {
  const since = new Date(deps.clock.now().getTime() - days * DAY_MS);
  return listRunsSince(deps.db, runnerId, since);
}
