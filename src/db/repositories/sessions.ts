import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners, sessions } from '../schema/index.js';

/** Session rows (keyed by the sha256 of the cookie's id; docs/access.md#sessions). */

export type NewSessionRow = typeof sessions.$inferInsert;

export async function insertSession(db: DbOrTx, row: NewSessionRow): Promise<void> {
  await db.insert(sessions).values(row);
}

export type SessionWithRunner = { runnerId: string; athleteId: string; createdAt: Date; lastSeenAt: Date };

/** The session row and its runner's athlete id; none when unknown or the runner is gone. */
export async function findSessionWithRunner(db: DbOrTx, idHash: string): Promise<SessionWithRunner | null> {
  const [row] = await db
    .select({
      runnerId: sessions.runnerId,
      athleteId: runners.athleteId,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(runners, eq(runners.id, sessions.runnerId))
    .where(eq(sessions.idHash, idHash));
  return row ?? null;
}

export async function touchSession(
  db: DbOrTx,
  idHash: string,
  lastSeenAt: Date,
  expiresAt: Date,
): Promise<void> {
  await db.update(sessions).set({ lastSeenAt, expiresAt }).where(eq(sessions.idHash, idHash));
}

export async function deleteSession(db: DbOrTx, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}
