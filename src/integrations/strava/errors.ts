import { AppError } from '../../shared/errors.js';

/**
 * Every Strava failure is classified here, at the boundary (docs/reliability-rules.md#failures-are-classified-at-the-boundary), so
 * the worker's `isRetryable` does the right thing without knowing Strava:
 * rate limits and outages retry; 403, 404, revoked access and malformed
 * answers do not. Messages name the endpoint pattern and status only: never a
 * token, a code, a secret or a response body.
 */

export type RateLimitWindow = '15min' | 'daily';

export type StravaFaultEntry = { resource: string; field: string; code: string };

/**
 * Strava said 429, or our governor refused to spend the last of the budget.
 * Nothing may be sent to Strava before `retryAt` (rejected calls still count
 * toward the daily limit). Job processors defer with `deferForRateLimit`.
 */
export class StravaRateLimitError extends AppError {
  constructor(
    readonly retryAt: Date,
    readonly window: RateLimitWindow,
    /** `strava`: Strava answered 429; `governor`: refused locally to keep the reserve. */
    readonly source: 'strava' | 'governor',
    /**
     * `background`: only background work is held back, to leave the rest of the window to
     * interactive work (docs/strava-quota.md#interactive-work-first); `everyone`: nothing may go.
     */
    readonly scope: 'everyone' | 'background' = 'everyone',
  ) {
    super(
      'strava_rate_limited',
      `Strava rate limit (${window}, ${source}): retry at ${retryAt.toISOString()}`,
      503,
      true,
    );
    this.name = 'StravaRateLimitError';
  }
}

/** 5xx, timeouts and network failures, after the client's own short retries. */
export class StravaUnavailableError extends AppError {
  constructor(endpoint: string, detail: string) {
    super('strava_unavailable', `Strava ${endpoint} unavailable: ${detail}`, 503, true);
    this.name = 'StravaUnavailableError';
  }
}

/** 404: the resource is gone or not visible with this token's scopes. */
export class StravaNotFoundError extends AppError {
  constructor(readonly endpoint: string) {
    super('strava_not_found', `Strava ${endpoint}: not found`, 404, false);
    this.name = 'StravaNotFoundError';
  }
}

/** 403: the token lacks a scope or the resource belongs to someone else. */
export class StravaForbiddenError extends AppError {
  constructor(readonly endpoint: string) {
    super('strava_forbidden', `Strava ${endpoint}: forbidden`, 403, false);
    this.name = 'StravaForbiddenError';
  }
}

/**
 * Why a runner's authorization is gone: `revoked` (Strava answered 401 to a freshly refreshed
 * token), `grant_invalid` (Strava refused the refresh token), `not_connected` (no tokens stored,
 * or the runner is already disconnected: nothing was sent).
 */
export type StravaAuthFailure = 'revoked' | 'grant_invalid' | 'not_connected';

/** The runner's authorization is gone (revoked, invalid refresh token, or no tokens stored). */
export class StravaAuthError extends AppError {
  constructor(
    reason: string,
    readonly failure: StravaAuthFailure = 'not_connected',
  ) {
    super('strava_unauthorized', `Strava authorization lost: ${reason}`, 401, false);
    this.name = 'StravaAuthError';
  }
}

/** Any other 4xx (bad request, validation failures such as a subscription callback that did not verify). */
export class StravaRequestError extends AppError {
  constructor(
    endpoint: string,
    readonly httpStatus: number,
    /** Strava's own error summary (its `message` and `errors[]`), never echoing our request. */
    readonly stravaMessage: string,
    /** Strava's `errors[]`, e.g. `{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }`. */
    readonly faults: readonly StravaFaultEntry[] = [],
  ) {
    super('strava_bad_request', `Strava ${endpoint} answered ${httpStatus}: ${stravaMessage}`, 400, false);
    this.name = 'StravaRequestError';
  }

  /** True when Strava's fault names this resource (and code, if given), e.g. ('RefreshToken', 'invalid'). */
  hasFault(resource: string, code?: string): boolean {
    return this.faults.some((f) => f.resource === resource && (code === undefined || f.code === code));
  }
}

/** A 2xx whose body does not match what we expect: retrying the same call would not help. */
export class StravaInvalidResponseError extends AppError {
  constructor(endpoint: string, detail: string) {
    super('strava_invalid_response', `Strava ${endpoint} returned an unexpected body: ${detail}`, 502, false);
    this.name = 'StravaInvalidResponseError';
  }
}
