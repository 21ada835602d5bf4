/** Session machinery shared by the API, account and page routes. */

export { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../app/session/session-policy.js';
export { loadSession, readSessionId } from './load-session.js';
export { requireRunner } from './require-runner.js';
export {
  baseCookieOptions,
  clearSessionCookie,
  hostCookieName,
  isHttps,
  readCookie,
  sessionCookieName,
} from './session-cookie.js';
export type { SessionRunner } from './session-runner.js';
export { endSession, startSession } from './start-session.js';
