import type { DbOrTx } from '../../db/client.js';
import { deleteLiveOAuthState, insertOAuthState } from '../../db/repositories/oauth-states.js';

/**
 * The server half of the OAuth `state` check (docs/access.md#oauth-state): only
 * hashes are stored; the browser half (cookies) lives with the sign-in routes.
 */
export async function rememberOAuthState(db: DbOrTx, stateHash: string, expiresAt: Date): Promise<void> {
  await insertOAuthState(db, stateHash, expiresAt);
}

/** True when an unexpired state with this hash was stored; it is used up either way. */
export async function useUpOAuthState(db: DbOrTx, stateHash: string, now: Date): Promise<boolean> {
  return deleteLiveOAuthState(db, stateHash, now);
}
