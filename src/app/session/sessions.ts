import { createHash, randomBytes } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import {
  deleteSession as deleteSessionRow,
  findSessionWithRunner,
  insertSession,
  touchSession,
} from '../../db/repositories/sessions.js';
import { SESSION_TOUCH_INTERVAL_MS, sessionExpiresAt } from './session-policy.js';

/**
 * Server-side sessions. The cookie carries a random 256-bit id; only its
 * sha256 is stored, so a database leak yields no usable session. Deleting the
 * row (logout, disconnect, runner deletion by cascade) ends the session at once.
 */

/** The signed-in runner a session names (the http layer attaches it to the request). */
export type SessionRunner = {
  /** RampGuard's runner id (uuid). Every query of a session route is scoped to it. */
  id: string;
  /** Strava athlete id (string: ids can exceed 2^53). */
  athleteId: string;
  /** sha256 of the session id: identifies the session row, never the cookie value. */
  sessionIdHash: string;
};

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** A new session for the runner; returns the raw id for the cookie (never stored). */
export async function createSession(db: DbOrTx, runnerId: string, now: Date): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await insertSession(db, {
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
  const row = await findSessionWithRunner(db, idHash);
  if (!row) return null;
  // Recomputed from created/last-seen rather than trusting expires_at alone, so a
  // change of policy applies to existing rows too.
  if (sessionExpiresAt(row.createdAt, row.lastSeenAt).getTime() <= now.getTime()) {
    await deleteSession(db, idHash);
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    await touchSession(db, idHash, now, sessionExpiresAt(row.createdAt, now));
  }
  return { id: row.runnerId, athleteId: row.athleteId, sessionIdHash: idHash };
}

export async function deleteSession(db: DbOrTx, idHash: string): Promise<void> {
  await deleteSessionRow(db, idHash);
}
