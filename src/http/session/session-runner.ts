import type { SessionRunner } from '../../app/session/sessions.js';

/** The signed-in runner, attached to the request by `loadSession`. */
export type { SessionRunner };

declare global {
  // Express's own extension point for request properties (declaration merging needs an interface).
  namespace Express {
    interface Request {
      runner?: SessionRunner;
    }
  }
}
