import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { runners, sessions } from '../../db/schema/index.js';
import { SESSION_TOUCH_INTERVAL_MS, sessionExpiresAt } from './session-policy.js';
import type { SessionRunner } from './session-runner.js';

/**
 * Server-side sessions. The cookie carries a random 256-bit id; only its
 * sha256 is stored, so a database leak yields no usable session. Deleting the
 * row (logout, disconnect, runner deletion by cascade) ends the session at once.
 */

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** A new session for the runner; returns the raw id for the cookie (never stored). */
export async function createSession(db: DbOrTx, runnerId: string, now: Date): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({
    idHash: hashSessionId(id),
    runnerId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: sessionExpiresAt(now, now),
  });
  return id;
}

/**
 * The runner behind a session id, or null when unknown or expired (an expired
 * row is deleted on sight). Slides the idle timeout, writing at most once a minute.
 */
export async function findSession(db: DbOrTx, id: string, now: Date): Promise<SessionRunner | null> {
  const idHash = hashSessionId(id);
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
  if (!row) return null;
  // Recomputed from created/last-seen rather than trusting expires_at alone, so a
  // change of policy applies to existing rows too.
  if (sessionExpiresAt(row.createdAt, row.lastSeenAt).getTime() <= now.getTime()) {
    await deleteSession(db, idHash);
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: sessionExpiresAt(row.createdAt, now) })
      .where(eq(sessions.idHash, idHash));
  }
  return { id: row.runnerId, athleteId: row.athleteId, sessionIdHash: idHash };
}

export async function deleteSession(db: DbOrTx, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}
