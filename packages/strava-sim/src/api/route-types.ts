import type { Request, Response } from 'express';
import type { SimContext } from '../context.js';
import type { AccessTokenRecord, SimAuthorization } from '../state.js';

/** The athlete and grant behind a valid Bearer token. */
export type AthleteAuth = { token: AccessTokenRecord; authorization: SimAuthorization };

/**
 * One Strava endpoint the simulator serves. `path` is written as in swagger.json (`{id}`), and
 * `query` lists the only query parameters the handler reads: a test checks both against the
 * official spec, so the simulator cannot drift from it silently.
 */
export type ApiRoute = {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query: readonly string[];
  /** `athlete`: Bearer token; `application`: client_id + client_secret (push subscriptions). */
  auth: 'athlete' | 'application';
  /** False for endpoints docs/strava-api.md says swagger.json does not cover. */
  inSwagger: boolean;
  handle(ctx: SimContext, req: Request, res: Response, auth: AthleteAuth | null): void | Promise<void>;
};

export function toExpressPath(swaggerPath: string): string {
  return swaggerPath.replace(/\{(\w+)\}/g, ':$1');
}
