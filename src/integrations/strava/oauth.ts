import { z } from 'zod';
import { StravaRequestError } from './errors.js';
import type { StravaHttp } from './http.js';
import {
  type StravaAthlete,
  type TokenSet,
  toAthlete,
  toTokenSet,
  ZAthlete,
  ZTokenResponse,
} from './schemas.js';

/** Strava OAuth (docs/strava-api.md#oauth): authorize URL, code exchange, refresh, deauthorize. */

export type AppCredentials = { clientId: string; clientSecret: string; oauthUrl: string };

export type AuthorizeUrlOptions = {
  redirectUri: string;
  state: string;
  /** Comma-separated scopes, e.g. `read,activity:read_all,profile:read_all`. */
  scope: string;
  approvalPrompt?: 'auto' | 'force';
};

export type ExchangedAuthorization = TokenSet & {
  athlete: StravaAthlete;
  /** Present only if Strava's token response carries it (unconfirmed): trust the redirect's `scope`. */
  scope: string | undefined;
};

export function buildAuthorizeUrl(app: AppCredentials, options: AuthorizeUrlOptions): string {
  const url = new URL(`${app.oauthUrl.replace(/\/+$/, '')}/authorize`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('approval_prompt', options.approvalPrompt ?? 'auto');
  url.searchParams.set('scope', options.scope);
  url.searchParams.set('state', options.state);
  return url.toString();
}

const ZExchangeResponse = ZTokenResponse.extend({ athlete: ZAthlete });

/** Code → tokens and the summary athlete. The code is single-use: never retried after it was sent. */
export async function exchangeCode(
  http: StravaHttp,
  app: AppCredentials,
  code: string,
): Promise<ExchangedAuthorization> {
  const body = await http.send({
    method: 'POST',
    base: 'oauth',
    path: '/token',
    endpoint: 'POST /oauth/token (code)',
    form: {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code,
      grant_type: 'authorization_code',
    },
    schema: ZExchangeResponse,
    retry: 'on-failure-answer',
    governed: 'block-only',
  });
  return { ...toTokenSet(body), athlete: toAthlete(body.athlete), scope: body.scope };
}

/** Rotates the refresh token: callers must persist the answer before anything else can fail. */
export async function refreshTokens(
  http: StravaHttp,
  app: AppCredentials,
  refreshToken: string,
): Promise<TokenSet> {
  const body = await http.send({
    method: 'POST',
    base: 'oauth',
    path: '/token',
    endpoint: 'POST /oauth/token (refresh)',
    form: {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    },
    schema: ZTokenResponse,
    retry: 'on-failure-answer',
    governed: 'block-only',
  });
  return toTokenSet(body);
}

/** Strava's answer to a stale, rotated or revoked refresh token (docs/strava-api.md#refresh-and-rotation). */
export function isInvalidRefreshToken(err: unknown): boolean {
  return (
    err instanceof StravaRequestError &&
    (err.httpStatus === 400 || err.httpStatus === 401) &&
    err.hasFault('RefreshToken', 'invalid')
  );
}

/**
 * Revokes the app's access for the athlete. A 401 means the token is already
 * dead, which is what we wanted: not an error.
 */
export async function deauthorizeToken(http: StravaHttp, accessToken: string): Promise<void> {
  try {
    await http.send({
      method: 'POST',
      base: 'oauth',
      path: '/deauthorize',
      endpoint: 'POST /oauth/deauthorize',
      form: { access_token: accessToken },
      schema: z.unknown(),
      retry: 'on-failure-answer',
      governed: 'block-only',
    });
  } catch (err) {
    if (err instanceof StravaRequestError && err.httpStatus === 401) return;
    throw err;
  }
}
