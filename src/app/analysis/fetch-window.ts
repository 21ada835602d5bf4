import { DAY_MS } from '../../domain/duration.js';
import { isRun } from '../../domain/runs.js';
import type { Run, Shoe } from '../../domain/types.js';
import type { StravaClient } from '../../integrations/strava/client.js';
import { StravaNotFoundError } from '../../integrations/strava/errors.js';
import { pagingRuleFor } from '../../integrations/strava/last-page.js';
import type { AppDeps } from '../deps.js';
import { loadExpectedActivities } from './expected-activities.js';

/**
 * Shoes are re-read from Strava at most this often, unless a run wears one we have not cached:
 * a shoe's mileage may show up to a day late (information only), and a runner costs at most one
 * shoe read a day (docs/strava-quota.md#what-a-runner-costs-per-day).
 */
export const SHOE_REFRESH_MS = DAY_MS;

export type FetchedWindow = { runs: Run[]; shoes: Shoe[] | null };

/**
 * Reads the runner's current truth from Strava: the list endpoint over the
 * window (per_page=200: one call once a short page can be trusted to be the
 * last, see last-page.ts and docs/strava.md) and, when needed, their shoes
 * (`GET /athlete` with profile:read_all, else `GET /gear/{id}` per unknown shoe).
 * Returns `shoes: null` when the cached shoes are still fresh.
 */
export async function fetchWindow(
  deps: Pick<AppDeps, 'strava' | 'db'>,
  runner: { id: string; scopes: string; lastAnalyzedAt: Date | null },
  windowStart: Date,
  cachedShoes: readonly (Shoe & { fetchedAt: Date })[],
  now: Date,
  onPage?: (page: number, runsSoFar: number) => Promise<void>,
): Promise<FetchedWindow> {
  const { strava } = deps;
  const scopes = runner.scopes.split(',');
  let runsSoFar = 0;
  // Only a token that cannot see Only You activities needs to know what the window must hold.
  const expected = scopes.includes('activity:read_all')
    ? null
    : await loadExpectedActivities(deps.db, runner, windowStart, now);
  const activities = await strava.listAllActivities(runner.id, {
    after: windowStart,
    paging: pagingRuleFor(scopes, expected),
    onPage: async (page, pageNumber) => {
      runsSoFar += page.length;
      await onPage?.(pageNumber, runsSoFar);
    },
  });
  const runs = activities.filter(isRun);
  const cached = new Map(cachedShoes.map((s) => [s.id, s]));
  const worn = new Set(runs.map((r) => r.gearId).filter((g): g is string => g?.startsWith('g') === true));
  const unknown = [...worn].filter((g) => !cached.has(g));
  const stale = cachedShoes.some((s) => now.getTime() - s.fetchedAt.getTime() > SHOE_REFRESH_MS);
  if (unknown.length === 0 && !stale && cachedShoes.length > 0) return { runs, shoes: null };
  if (worn.size === 0 && cachedShoes.length === 0) return { runs, shoes: [] };
  if (scopes.includes('profile:read_all')) {
    const athlete = await strava.getAthlete(runner.id);
    return { runs, shoes: athlete.shoes ?? [] };
  }
  const shoes: Shoe[] = [];
  for (const gearId of stale ? worn : unknown) {
    const shoe = await getGearIfVisible(strava, runner.id, gearId);
    if (shoe) shoes.push(shoe);
  }
  return { runs, shoes };
}

/**
 * A shoe Strava no longer shows (deleted, or another athlete's id) is left out rather than
 * failing the whole analysis: a failure here would be retried and swept again for ever.
 */
async function getGearIfVisible(
  strava: StravaClient,
  runnerId: string,
  gearId: string,
): Promise<Shoe | null> {
  try {
    return await strava.getGear(runnerId, gearId);
  } catch (err) {
    if (err instanceof StravaNotFoundError) return null;
    throw err;
  }
}
