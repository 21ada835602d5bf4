import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { createSession, deleteSession, hashSessionId } from '../../app/session/sessions.js';
import { readSessionId } from './load-session.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

type SessionDeps = Pick<AppDeps, 'config' | 'db' | 'clock'>;

/**
 * Signs the runner in with a brand-new session id (rotation at login): any
 * session the browser already had is deleted, so an id planted before sign-in
 * (session fixation) is worthless afterwards.
 */
export async function startSession(deps: SessionDeps, req: Request, res: Response, runnerId: string) {
  const previous = readSessionId(req, deps.config);
  if (previous) await deleteSession(deps.db, hashSessionId(previous));
  const id = await createSession(deps.db, runnerId, deps.clock.now());
  setSessionCookie(res, deps.config, id);
}

/** Ends the browser's session: deletes the row and clears the cookie. */
export async function endSession(deps: SessionDeps, req: Request, res: Response) {
  const id = readSessionId(req, deps.config);
  if (id) await deleteSession(deps.db, hashSessionId(id));
  clearSessionCookie(res, deps.config);
}
