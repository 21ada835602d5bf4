/** The signed-in runner, attached to the request by `loadSession`. */
export type SessionRunner = {
  /** RampGuard's runner id (uuid). Every query of a session route is scoped to it. */
  id: string;
  /** Strava athlete id (string: ids can exceed 2^53). */
  athleteId: string;
  /** sha256 of the session id: identifies the session row, never the cookie value. */
  sessionIdHash: string;
};

declare global {
  // Express's own extension point for request properties (declaration merging needs an interface).
  namespace Express {
    interface Request {
      runner?: SessionRunner;
    }
  }
}
