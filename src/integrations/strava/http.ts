import { setTimeout as sleep } from 'node:timers/promises';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { parseJsonLosslessly } from '../../shared/lossless-json.js';
import type { Metrics } from '../../shared/metrics.js';
import type { CallLedger } from './call-ledger.js';
import { outcomeOf, priorityOf, purposeOf } from './call-purpose.js';
import {
  StravaForbiddenError,
  StravaInvalidResponseError,
  StravaNotFoundError,
  StravaRequestError,
  StravaUnavailableError,
} from './errors.js';
import type { RateGovernor } from './rate-governor.js';
import { describeFault, ZFault } from './schemas.js';

/**
 * One Strava HTTP exchange with everything the boundary owes the rest of the
 * app: the rate governor before and after, metrics by endpoint pattern, short
 * retries with backoff for outages, zod parsing of the body, and failures
 * classified into our error classes. Callers above handle 401s (token refresh).
 */

export type RetryPolicy =
  /** GET/DELETE: safe to repeat after a 5xx, a timeout or a network error. */
  | 'idempotent'
  /**
   * Not idempotent (token refresh rotates the refresh token): repeat only when
   * Strava most likely did nothing (a 5xx answer, or a connection that never
   * opened). A timeout may have rotated the token already, so it is not repeated.
   */
  | 'on-failure-answer'
  | 'never';

export type StravaRequest<T> = {
  method: 'GET' | 'POST' | 'DELETE';
  base: 'api' | 'oauth';
  path: string;
  /** Metric label: method and path pattern, never ids (`GET /activities/{id}`). */
  endpoint: string;
  params?: Record<string, string | number | undefined>;
  form?: Record<string, string>;
  accessToken?: string;
  /** null: the body is ignored (204 answers). */
  schema: z.ZodType<T> | null;
  retry: RetryPolicy;
  /**
   * `budget` (API calls): checked against the reserve and counted.
   * `block-only` (OAuth): only a 429 block stops it; whether Strava counts OAuth calls is unconfirmed.
   */
  governed: 'budget' | 'block-only';
};

export type StravaHttp = { send<T>(request: StravaRequest<T>): Promise<T> };

export type StravaHttpOptions = {
  apiUrl: string;
  oauthUrl: string;
  governor: RateGovernor;
  metrics: Metrics;
  /** Shared counts by purpose and outcome, for `npm run strava -- quota`. */
  ledger?: CallLedger;
  timeoutMs?: number;
  retryBaseMs?: number;
  maxRetries?: number;
};

export function createStravaHttp(options: StravaHttpOptions): StravaHttp {
  const { governor, metrics, ledger } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const maxRetries = options.maxRetries ?? 2;
  const instance: AxiosInstance = axios.create({
    timeout: timeoutMs,
    maxRedirects: 0,
    responseType: 'text',
    // Never let axios JSON.parse: it would round ids beyond 2^53.
    transformResponse: [(data: unknown) => parseBody(data)],
    validateStatus: () => true,
    headers: { 'User-Agent': 'RampGuard', Accept: 'application/json' },
  });

  async function attempt(request: StravaRequest<unknown>): Promise<AxiosResponse> {
    await governor.acquire(request.governed, priorityOf());
    return instance.request({
      method: request.method,
      baseURL: request.base === 'api' ? options.apiUrl : options.oauthUrl,
      url: request.path,
      params: request.params,
      data: request.form ? new URLSearchParams(request.form).toString() : undefined,
      headers: {
        ...(request.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...(request.accessToken ? { Authorization: `Bearer ${request.accessToken}` } : {}),
      },
      // axios's `timeout` is per socket inactivity; this bounds the whole exchange.
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  return {
    async send<T>(request: StravaRequest<T>): Promise<T> {
      for (let retry = 0; ; retry++) {
        let response: AxiosResponse;
        try {
          response = await attempt(request);
        } catch (err) {
          if (!axios.isAxiosError(err)) throw err; // StravaRateLimitError from the governor, or a bug
          const failure = describeNetworkFailure(err.code);
          metrics.stravaCalls.inc({ endpoint: request.endpoint, status: failure.label });
          countByPurpose(metrics, ledger, request, failure.label);
          const repeatable =
            request.retry === 'idempotent' || (request.retry === 'on-failure-answer' && failure.neverSent);
          if (repeatable && retry < maxRetries) {
            await sleep(backoffMs(retryBaseMs, retry));
            continue;
          }
          throw new StravaUnavailableError(request.endpoint, failure.label);
        }
        const status = response.status;
        metrics.stravaCalls.inc({ endpoint: request.endpoint, status: String(status) });
        countByPurpose(metrics, ledger, request, status);
        const limited = await governor.record(response.headers as Record<string, unknown>, status);
        if (limited) throw limited; // never retried inside its window
        if (status >= 500) {
          if (request.retry !== 'never' && retry < maxRetries) {
            await sleep(backoffMs(retryBaseMs, retry));
            continue;
          }
          throw new StravaUnavailableError(request.endpoint, `status ${status}`);
        }
        if (status >= 200 && status < 300) return parseSuccess(request, response.data);
        throw classifyClientError(request.endpoint, status, response.data);
      }
    },
  };
}

function countByPurpose(
  metrics: Metrics,
  ledger: CallLedger | undefined,
  request: StravaRequest<unknown>,
  status: number | string,
): void {
  const purpose = purposeOf(request.endpoint, request.base);
  const outcome = outcomeOf(status);
  metrics.stravaCallsByPurpose.inc({ purpose, outcome });
  ledger?.count(purpose, outcome);
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string' || data.trim() === '') return undefined;
  try {
    return parseJsonLosslessly(data);
  } catch {
    return undefined; // not JSON (an HTML error page from a proxy): classified by status alone
  }
}

function parseSuccess<T>(request: StravaRequest<T>, body: unknown): T {
  if (request.schema === null) return undefined as T;
  const parsed = request.schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StravaInvalidResponseError(
      request.endpoint,
      issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid',
    );
  }
  return parsed.data;
}

function classifyClientError(endpoint: string, status: number, body: unknown): Error {
  if (status === 404) return new StravaNotFoundError(endpoint);
  if (status === 403) return new StravaForbiddenError(endpoint);
  const fault = ZFault.safeParse(body);
  const details = fault.success ? fault.data : undefined;
  return new StravaRequestError(
    endpoint,
    status,
    describeFault(details),
    (details?.errors ?? []).map((e) => ({
      resource: e.resource ?? '',
      field: e.field ?? '',
      code: e.code ?? '',
    })),
  );
}

function describeNetworkFailure(code: string | undefined): { label: string; neverSent: boolean } {
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return { label: 'timeout', neverSent: false };
  }
  return { label: 'network', neverSent: code === 'ECONNREFUSED' || code === 'ENOTFOUND' };
}

/** Exponential backoff with full jitter around the nominal delay (0.5x to 1.5x). */
function backoffMs(baseMs: number, retry: number): number {
  return Math.round(baseMs * 2 ** retry * (0.5 + Math.random()));
}
