import { StravaAuthError } from '../integrations/strava/errors.js';
import { withDeadline } from '../shared/deadline.js';
import type { AppDeps } from './deps.js';
import { forgetRunner } from './leave/forget-runner.js';
import { savePendingRevocation } from './revocation/pending-revocations.js';

/** The runner waits on this request: a hung Strava must not hold it for the client's full retry budget. */
const DEAUTHORIZE_DEADLINE_MS = 8_000;

/**
 * `revoked`: Strava confirmed (or had already dropped the grant). `pending`:
 * Strava could not be reached; the revocation is retried for 48 h and the
 * runner is told so, with how to revoke on strava.com themselves.
 */
export type DisconnectResult = { revocation: 'revoked' | 'pending' };

/**
 * The runner leaves (docs/contract.md#leave, docs/disconnect.md): revoke our access
 * at Strava, then forget them (every row, mail file, queue record and Redis
 * key). Deletion never depends on Strava: when Strava cannot be reached, the
 * grant's tokens are kept, encrypted and detached from anything naming the
 * runner, in the same transaction that deletes them, and a durable job retries
 * the revocation with backoff for 48 hours (then the tokens are deleted).
 */
export async function disconnectRunner(deps: AppDeps, runnerId: string): Promise<DisconnectResult> {
  let revoked = true;
  try {
    await withDeadline(deps.strava.deauthorize(runnerId), DEAUTHORIZE_DEADLINE_MS, 'strava deauthorize');
  } catch (err) {
    // A refused grant is already gone at Strava; anything else (network, 5xx, 429, our deadline) is not.
    revoked = err instanceof StravaAuthError;
    if (!revoked)
      deps.logger.warn({ runnerId, err }, 'could not deauthorize at Strava; the revocation will be retried');
  }
  let pending: { id: string; nextAttemptAt: Date } | undefined;
  const forgotten = await forgetRunner(deps, runnerId, async (tx) => {
    if (revoked) return;
    const grant = await deps.strava.readGrant(tx, runnerId);
    if (grant) pending = await savePendingRevocation(tx, deps.config, grant, deps.clock.now());
  });
  if (pending) await deps.jobs.enqueueRevocation(pending.id, 2, pending.nextAttemptAt);
  deps.logger.info(
    {
      runnerId,
      deleted: forgotten.trace !== null,
      revocation: pending ? 'pending' : 'revoked',
      cleanup: forgotten.cleanup,
    },
    'runner disconnected: all data deleted',
  );
  return { revocation: pending ? 'pending' : 'revoked' };
}
