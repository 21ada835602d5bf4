import { bumpLinkVersion } from '../db/repositories/runners.js';
import type { AppDeps } from './deps.js';

/**
 * "Reset my calendar link": bumps the runner's link version, so every calendar
 * feed URL and unsubscribe link minted before stops working at once (they are
 * signed with the version: docs/front-door.md#revocable-links). The plan page
 * shows the new feed URL; the next email carries a new unsubscribe link.
 * Returns the new version (null when the runner is gone).
 */
export async function resetRunnerLinks(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  runnerId: string,
): Promise<number | null> {
  return bumpLinkVersion(deps.db, runnerId, deps.clock.now());
}
