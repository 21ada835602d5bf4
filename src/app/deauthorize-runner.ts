import { runnerExists } from '../db/repositories/runners.js';
import { withStravaPurpose } from '../integrations/strava/call-purpose.js';
import type { AppDeps } from './deps.js';
import { forgetRunner } from './leave/forget-runner.js';
import { claimDeauthorizationCheck } from './strava-access/deauthorization-check.js';

export type DeauthorizeResult = 'deleted' | 'forged' | 'gone' | 'already_checked';

/**
 * An athlete `authorized: "false"` event (docs/webhooks.md). Events are unsigned, so
 * Strava is asked first (docs/webhooks.md#deauthorization): only a grant Strava refuses
 * (401 / invalid refresh token) deletes the runner and every trace of them
 * (`forgetRunner`, docs/data.md, docs/disconnect.md). A grant that still works means
 * the event was forged: nothing is deleted and the counter says so. Network
 * trouble throws (retryable): an outage never confirms a revocation. Claims
 * arriving while a check runs or its answer is fresh are answered without a
 * call (`claimDeauthorizationCheck`).
 */
export async function deauthorizeRunner(deps: AppDeps, runnerId: string): Promise<DeauthorizeResult> {
  if (!(await runnerExists(deps.db, runnerId))) return 'gone';
  // At most one check per runner per 10 minutes, across processes: repeated claims cost nothing.
  const claim = await claimDeauthorizationCheck(deps, runnerId);
  if (!claim.acquired) {
    deps.metrics.forgedDeauthorizations.inc();
    return 'already_checked';
  }
  let verdict: 'authorized' | 'revoked';
  try {
    verdict = await withStravaPurpose('deauth_check', () => deps.strava.verifyAuthorization(runnerId));
  } catch (err) {
    await claim.release(); // an outage confirms nothing: the retry must be able to check again
    throw err;
  }
  if (verdict === 'authorized') {
    deps.metrics.forgedDeauthorizations.inc();
    deps.logger.warn({ runnerId }, 'deauthorization event not confirmed by Strava: nothing deleted');
    return 'forged';
  }
  const forgotten = await forgetRunner(deps, runnerId);
  if (!forgotten.trace) return 'gone';
  deps.logger.info(
    { runnerId, cleanup: forgotten.cleanup },
    'runner revoked access at Strava: all data deleted',
  );
  return 'deleted';
}
