import { and, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { oauthStates } from '../schema/index.js';

/** Stored OAuth `state` hashes (docs/access.md#oauth-state). */

export async function insertOAuthState(db: DbOrTx, stateHash: string, expiresAt: Date): Promise<void> {
  await db.insert(oauthStates).values({ stateHash, expiresAt });
}

/** Deletes the unexpired state in one statement (single use: a replay finds nothing); true when one was. */
export async function deleteLiveOAuthState(db: DbOrTx, stateHash: string, now: Date): Promise<boolean> {
  const deleted = await db
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, stateHash), gt(oauthStates.expiresAt, now)))
    .returning({ stateHash: oauthStates.stateHash });
  return deleted.length === 1;
}
