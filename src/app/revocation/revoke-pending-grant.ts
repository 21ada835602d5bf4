import { randomUUID } from 'node:crypto';
import {
  claimRevocationRow,
  deleteRevocation,
  lockRevocation,
  recordRevocationFailure,
  storeClaimedRevocationGrant,
} from '../../db/repositories/revocations.js';
import { isInvalidRefreshToken } from '../../integrations/strava/oauth.js';
import { TokenDecryptError } from '../../shared/crypto.js';
import { summarizeError } from '../../shared/error-shape.js';
import type { AppDeps } from '../deps.js';
import { encryptPendingGrant, type RevocationRow, readPendingGrant } from './pending-revocations.js';
import { revocationRetryDelayMs } from './revocation-policy.js';

export type RevocationResult =
  | { outcome: 'revoked' | 'already revoked' | 'gave up' | 'gone' | 'busy' | 'not due'; attempts?: number }
  | { outcome: 'retry'; attempts: number; nextAttemptAt: Date };

/** Longer than one attempt can take (a refresh and a deauthorize, 10 s each with retries). */
const CLAIM_MS = 2 * 60_000;
/** Refresh first when the stored access token expires within this: an expired token cannot revoke. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const DUE_SLACK_MS = 1_000;

type Claim =
  | { kind: 'claimed'; row: RevocationRow; claimId: string }
  | {
      kind: Exclude<RevocationResult['outcome'], 'retry' | 'revoked' | 'already revoked'>;
      attempts?: number;
    };

/**
 * One attempt at revoking a grant kept after its runner left
 * (docs/disconnect.md#revocation). Claim the row in a short transaction, call
 * Strava with no transaction open (refreshing first when the access token has
 * expired, and storing the rotation at once), then delete the row on success
 * or record the failure and when to try next. Past the 48 h window the tokens
 * are deleted unrevoked.
 */
export async function revokePendingGrant(deps: AppDeps, revocationId: string): Promise<RevocationResult> {
  const now = deps.clock.now();
  const claim = await claimRevocation(deps, revocationId, now);
  if (claim.kind !== 'claimed') {
    if (claim.kind === 'gave up') {
      deps.logger.warn(
        { revocationId, attempts: claim.attempts },
        'gave up revoking a Strava grant after 48 h; its tokens are deleted',
      );
    }
    return { outcome: claim.kind, ...(claim.attempts !== undefined ? { attempts: claim.attempts } : {}) };
  }
  const { row, claimId } = claim;
  let grant: ReturnType<typeof readPendingGrant>;
  try {
    grant = readPendingGrant(deps.config, row);
  } catch (err) {
    if (!(err instanceof TokenDecryptError)) throw err;
    // Its key was retired: nothing can revoke it any more.
    await deleteRevocation(deps.db, revocationId);
    deps.logger.warn({ revocationId, err }, 'pending Strava revocation unreadable (key retired); deleted');
    return { outcome: 'gave up', attempts: row.attempts };
  }

  try {
    let accessToken = grant.accessToken;
    if (grant.expiresAt.getTime() - now.getTime() < REFRESH_MARGIN_MS) {
      let fresh: Awaited<ReturnType<typeof deps.strava.refreshGrant>>;
      try {
        fresh = await deps.strava.refreshGrant(grant.refreshToken);
      } catch (err) {
        if (!isInvalidRefreshToken(err)) throw err;
        // Strava no longer knows the grant: the athlete (or an earlier attempt) revoked it.
        await deleteRevocation(deps.db, revocationId);
        return { outcome: 'already revoked', attempts: row.attempts + 1 };
      }
      // The refresh token rotated: store it before anything else can fail.
      await storeClaimedRevocationGrant(
        deps.db,
        revocationId,
        claimId,
        encryptPendingGrant(deps.config, revocationId, fresh),
      );
      accessToken = fresh.accessToken;
    }
    await deps.strava.revokeAccessToken(accessToken);
  } catch (err) {
    return recordFailure(deps, row, claimId, err);
  }
  await deleteRevocation(deps.db, revocationId);
  deps.logger.info(
    { revocationId, attempts: row.attempts + 1 },
    'pending Strava revocation done: the grant is revoked',
  );
  return { outcome: 'revoked', attempts: row.attempts + 1 };
}

async function claimRevocation(deps: AppDeps, id: string, now: Date): Promise<Claim> {
  return deps.db.transaction(async (tx): Promise<Claim> => {
    const row = await lockRevocation(tx, id);
    if (!row) return { kind: 'gone' };
    if (row.claimedUntil && row.claimedUntil.getTime() > now.getTime()) return { kind: 'busy' };
    if (now.getTime() >= row.giveUpAt.getTime()) {
      await deleteRevocation(tx, id);
      return { kind: 'gave up', attempts: row.attempts };
    }
    if (row.nextAttemptAt.getTime() > now.getTime() + DUE_SLACK_MS) return { kind: 'not due' };
    const claimId = randomUUID();
    await claimRevocationRow(tx, id, claimId, new Date(now.getTime() + CLAIM_MS));
    return { kind: 'claimed', row, claimId };
  });
}

async function recordFailure(
  deps: AppDeps,
  row: RevocationRow,
  claimId: string,
  err: unknown,
): Promise<RevocationResult> {
  const attempts = row.attempts + 1;
  const now = deps.clock.now();
  const next = new Date(now.getTime() + revocationRetryDelayMs(attempts));
  // The last attempt comes just before the window closes (at its close the tokens go).
  const lastChance = new Date(row.giveUpAt.getTime() - DUE_SLACK_MS * 2);
  const nextAttemptAt = next.getTime() < lastChance.getTime() ? next : lastChance;
  await recordRevocationFailure(deps.db, row.id, claimId, {
    attempts,
    nextAttemptAt,
    lastError: summarizeError(err),
  });
  deps.logger.warn(
    { revocationId: row.id, attempts, nextAttemptAt, err },
    'could not revoke a Strava grant yet; will retry',
  );
  return { outcome: 'retry', attempts, nextAttemptAt };
}
