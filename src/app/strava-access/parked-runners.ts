import { countParkedRunners, STRAVA_REFUSALS } from '../../db/repositories/strava-access.js';
import { withDeadline } from '../../shared/deadline.js';
import type { AppDeps } from '../deps.js';

/** Runners parked per reason, sampled at scrape time; an unreachable database keeps the last values. */
export async function sampleParkedRunners({ db, metrics }: Pick<AppDeps, 'db' | 'metrics'>): Promise<void> {
  try {
    const rows = await withDeadline(countParkedRunners(db), 500, 'parked runners count');
    const counts = new Map(rows.map((r) => [r.reason, Number(r.runners)]));
    for (const reason of STRAVA_REFUSALS) metrics.parkedRunners.set({ reason }, counts.get(reason) ?? 0);
  } catch {
    // Readiness reports the outage; metrics keep their last sample.
  }
}
