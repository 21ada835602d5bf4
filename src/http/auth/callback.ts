import type { RequestHandler } from 'express';
import { connectRunner, parseScopes } from '../../app/connect-runner.js';
import type { AppDeps } from '../../app/deps.js';
import type { ExchangedAuthorization } from '../../integrations/strava/client.js';
import { startSession } from '../session/start-session.js';
import { PAGES, sendAuthPage } from './auth-page.js';
import { consumeOAuthState } from './oauth-state.js';
import { ZCallbackQuery } from './schema.js';

/**
 * `GET /auth/strava/callback` (docs/contract.md#http-routes, docs/access.md#oauth-state). Order matters:
 * the state is checked and consumed before anything else, so a forged,
 * replayed or expired callback never reaches Strava's token endpoint. Pages
 * never echo the code, the state or Strava's error text.
 */
export function handleCallback(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const parsed = ZCallbackQuery.safeParse(req.query);
    const query = parsed.success ? parsed.data : {};
    const stateOk = await consumeOAuthState(deps.db, deps.config, req, res, query.state, deps.clock.now());

    // The runner said no on Strava's page: nothing to connect, whatever the state.
    if (query.error === 'access_denied') return sendAuthPage(res, PAGES.denied, deps.config.sandbox);
    if (!parsed.success || !stateOk) return sendAuthPage(res, PAGES.invalidState, deps.config.sandbox);
    if (query.error !== undefined || !query.code)
      return sendAuthPage(res, PAGES.stravaError, deps.config.sandbox);

    let authorization: ExchangedAuthorization;
    try {
      authorization = await deps.strava.exchangeCode(query.code);
    } catch (err) {
      const { name, code } = err as { name?: string; code?: string };
      req.log?.warn({ errorName: name, failure: code }, 'strava code exchange failed');
      return sendAuthPage(res, PAGES.exchangeFailed, deps.config.sandbox);
    }

    const connected = await connectRunner(deps, authorization, parseScopes(query.scope));
    await startSession(deps, req, res, connected.runnerId);
    res.set('Cache-Control', 'no-store').redirect(303, connected.emailVerified ? '/plan' : '/onboarding');
  };
}
