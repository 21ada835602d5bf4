import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { clearSessionCookie, readCookie, sessionCookieName, verifySessionCookie } from './session-cookie.js';
import './session-runner.js';
import { findSession } from '../../app/session/sessions.js';

type SessionDeps = Pick<AppDeps, 'config' | 'db' | 'clock'>;

/** The raw session id from a validly signed cookie, or null. */
export function readSessionId(req: Request, config: SessionDeps['config']): string | null {
  const value = readCookie(req, sessionCookieName(config));
  return value ? verifySessionCookie(value, config.sessionSecret) : null;
}

/**
 * Attaches `req.runner` when the request carries a valid, unexpired session
 * whose runner still exists; otherwise leaves it unset (and clears a stale
 * cookie). Never rejects: pages decide what an anonymous visitor sees, and
 * `requireRunner` guards what needs a runner.
 */
export function loadSession(deps: SessionDeps): RequestHandler {
  return async (req: Request, res: Response, next) => {
    if (req.runner) return next();
    const hadCookie = readCookie(req, sessionCookieName(deps.config)) !== undefined;
    const id = readSessionId(req, deps.config);
    const runner = id ? await findSession(deps.db, id, deps.clock.now()) : null;
    if (runner) req.runner = runner;
    else if (hadCookie) clearSessionCookie(res, deps.config);
    next();
  };
}
