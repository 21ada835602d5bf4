import { withDeadline } from '../db/client.js';
import { deleteRunner } from './delete-runner.js';
import type { AppDeps } from './deps.js';

/** The runner waits on this request: a hung Strava must not hold it for the client's full retry budget. */
const DEAUTHORIZE_DEADLINE_MS = 8_000;

/**
 * The runner leaves (SPEC §1 journey 4): revoke our access at Strava, then
 * delete every row about them. Deletion never depends on Strava: when Strava
 * is unreachable or the token is already dead, the data goes anyway and the
 * failure is logged (Strava's own deauthorization event, if any, then finds
 * no runner and is dropped).
 */
export async function disconnectRunner(deps: AppDeps, runnerId: string): Promise<{ deauthorized: boolean }> {
  let deauthorized = false;
  try {
    await withDeadline(deps.strava.deauthorize(runnerId), DEAUTHORIZE_DEADLINE_MS, 'strava deauthorize');
    deauthorized = true;
  } catch (err) {
    const { name, code } = err as { name?: string; code?: string };
    deps.logger.warn(
      { runnerId, errorName: name, failure: code },
      'could not deauthorize at Strava; deleting locally anyway',
    );
  }
  const deleted = await deleteRunner(deps.db, runnerId);
  deps.logger.info({ runnerId, deleted, deauthorized }, 'runner disconnected: all data deleted');
  return { deauthorized };
}
