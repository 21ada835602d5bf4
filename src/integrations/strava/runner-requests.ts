import type { z } from 'zod';
import { StravaAuthError, StravaForbiddenError, StravaRequestError } from './errors.js';
import type { StravaHttp, StravaRequest } from './http.js';
import type { TokenStore } from './token-store.js';

/** A request made with a runner's token (the token store supplies it). */
export type RunnerRequest<T> = Omit<StravaRequest<T>, 'accessToken'>;

export type RunnerGet = <T>(runnerId: string, request: RunnerRequest<T>) => Promise<T>;

/** A budgeted, idempotent GET on Strava's API. */
export function apiGet<T>(
  path: string,
  endpoint: string,
  schema: z.ZodType<T>,
  params?: StravaRequest<T>['params'],
) {
  return {
    method: 'GET',
    base: 'api',
    path,
    endpoint,
    params,
    schema,
    retry: 'idempotent',
    governed: 'budget',
  } as const satisfies RunnerRequest<T>;
}

/**
 * Sends as the runner: a 401 forces one refresh and one retry, and a second
 * 401 marks the runner disconnected (StravaAuthError).
 */
export function createRunnerGet(http: StravaHttp, tokens: TokenStore): RunnerGet {
  return async function getAsRunner<T>(runnerId: string, request: RunnerRequest<T>): Promise<T> {
    const token = await tokens.accessToken(runnerId);
    try {
      return await http.send({ ...request, accessToken: token });
    } catch (err) {
      rethrowUnlessTokenRejected(request.endpoint, err);
    }
    const fresh = await tokens.accessToken(runnerId, token);
    try {
      return await http.send({ ...request, accessToken: fresh });
    } catch (err) {
      rethrowUnlessTokenRejected(request.endpoint, err);
      await tokens.markDisconnected(runnerId);
      throw new StravaAuthError('Strava rejected a freshly refreshed token', 'revoked');
    }
  };
}

/**
 * Returns only for a 401 about the token itself (invalid, expired, revoked),
 * which a refresh may cure. A 401 naming a missing scope (`AccessToken …
 * missing`) is not cured by refreshing: the runner did not grant it, so it
 * becomes a permanent StravaForbiddenError. Anything else is rethrown as is.
 */
function rethrowUnlessTokenRejected(endpoint: string, err: unknown): void {
  if (!(err instanceof StravaRequestError) || err.httpStatus !== 401) throw err;
  if (err.hasFault('AccessToken', 'missing')) throw new StravaForbiddenError(endpoint);
}
