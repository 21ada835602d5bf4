import type { AppDeps } from '../../app/deps.js';
import { findRunnerLinkVersion } from '../../db/repositories/runner-profile.js';
import { markRunnerUnsubscribed } from '../../db/repositories/runner-settings.js';
import { readUnsubscribeToken } from '../links/unsubscribe-link.js';
import { holdCurrentAddress } from './current-address-hold.js';

type UnsubscribeDeps = Pick<AppDeps, 'config' | 'db' | 'clock'>;

/** The runner a valid token names, if its link version is still the runner's current one. */
export async function runnerOfUnsubscribeToken(deps: UnsubscribeDeps, token: string): Promise<string | null> {
  const claims = readUnsubscribeToken(deps.config, token, deps.clock.now());
  if (!claims) return null;
  const linkVersion = await findRunnerLinkVersion(deps.db, claims.runnerId);
  return linkVersion === claims.linkVersion ? claims.runnerId : null;
}

/**
 * One-click unsubscribe: no alert or reminder mail any more, and the address
 * goes on hold (docs/front-door.md#email-abuse). Repeating it changes nothing.
 */
export async function unsubscribeRunner(deps: UnsubscribeDeps, runnerId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await markRunnerUnsubscribed(tx, runnerId, now);
    await holdCurrentAddress(tx, runnerId, 'unsubscribed', now);
  });
}
