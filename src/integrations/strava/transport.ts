import { createCallLedger } from './call-ledger.js';
import type { StravaClientDeps, StravaClientOptions } from './client-deps.js';
import { createStravaHttp, type StravaHttp } from './http.js';
import type { AppCredentials } from './oauth.js';
import { createRateGovernor } from './rate-governor.js';

/** The app's credentials and the governed, ledgered HTTP door every call goes through. */
export function createTransport(
  deps: StravaClientDeps,
  options: StravaClientOptions,
): { app: AppCredentials; http: StravaHttp } {
  const { config } = deps;
  const app: AppCredentials = {
    clientId: config.strava.clientId,
    clientSecret: config.strava.clientSecret,
    oauthUrl: config.strava.oauthUrl,
  };
  const governor = createRateGovernor({
    redis: deps.redis,
    prefix: config.queuePrefix,
    clock: deps.clock,
    logger: deps.logger,
    reserveFraction: options.reserveFraction,
    minReserve15min: options.minReserve15min,
  });
  const http = createStravaHttp({
    apiUrl: config.strava.apiUrl,
    oauthUrl: config.strava.oauthUrl,
    governor,
    metrics: deps.metrics,
    ledger: createCallLedger({ redis: deps.redis, prefix: config.queuePrefix, clock: deps.clock }),
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    maxRetries: options.maxRetries,
  });
  return { app, http };
}
