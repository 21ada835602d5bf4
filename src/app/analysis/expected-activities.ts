import type { DbOrTx } from '../../db/client.js';
import { loadRunStarts } from '../../db/repositories/runs.js';
import { loadActivityEventsSince } from '../../db/repositories/webhook-inbox.js';
import { expectedInWindow } from '../../integrations/strava/last-page.js';

/**
 * The cached runs and the inbox are complete since the last read only while
 * that read is recent: both are purged after days (STRAVA_CACHE_DAYS, the inbox
 * retention); reconciliation re-reads every runner within a day anyway.
 */
export const KNOWN_STATE_MAX_AGE_MS = 48 * 3_600_000;
/**
 * Events recorded a little before the last read started count too: a fresh
 * upload may not be listed at once. More events only make the rule stricter.
 */
const EVENT_OVERLAP_MS = 15 * 60_000;

/**
 * What a read of the runner's window must find before a short page may end it,
 * for a token without `activity:read_all` (docs/strava.md, "Paging the
 * activity list"); null when RampGuard cannot vouch for it.
 */
export async function loadExpectedActivities(
  db: DbOrTx,
  runner: { id: string; lastAnalyzedAt: Date | null },
  windowStart: Date,
  now: Date,
): Promise<Set<string> | null> {
  const last = runner.lastAnalyzedAt;
  if (!last || now.getTime() - last.getTime() > KNOWN_STATE_MAX_AGE_MS) return null;
  const events = await loadActivityEventsSince(db, runner.id, new Date(last.getTime() - EVENT_OVERLAP_MS));
  if (events.length === 0) return null;
  const cachedRuns = await loadRunStarts(db, runner.id);
  return expectedInWindow({ cachedRuns, events, afterEpochS: Math.floor(windowStart.getTime() / 1000) });
}
