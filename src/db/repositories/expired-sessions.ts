import { lt } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { oauthStates, sessions } from '../schema/index.js';

/** Deletes web sessions and unused OAuth states that expired before `now`; returns how many of each. */
export async function deleteExpiredSessions(
  db: DbOrTx,
  now: Date,
): Promise<{ sessions: number; states: number }> {
  const deletedSessions = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ id: sessions.idHash });
  const deletedStates = await db
    .delete(oauthStates)
    .where(lt(oauthStates.expiresAt, now))
    .returning({ s: oauthStates.stateHash });
  return { sessions: deletedSessions.length, states: deletedStates.length };
}
