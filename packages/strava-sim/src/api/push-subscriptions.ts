import { checkAppCredentials } from '../app-credentials.js';
import { readParam } from '../params.js';
import type { SimSubscription } from '../state.js';
import { FAULTS, sendJson } from '../strava-errors.js';
import { presentSubscription } from './present.js';
import type { ApiRoute } from './route-types.js';
import { validateCallback } from './validate-callback.js';

function isHttpUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Create: validation GET first, then `{"id": …}` (docs/strava-api.md#subscription). */
export const createPushSubscription: ApiRoute = {
  method: 'POST',
  path: '/push_subscriptions',
  query: ['client_id', 'client_secret', 'callback_url', 'verify_token'],
  auth: 'application',
  inSwagger: false,
  async handle(ctx, req, res) {
    const check = checkAppCredentials(ctx, req);
    if (!check.ok) return sendJson(res, check.status, check.fault);
    const callbackUrl = readParam(req, 'callback_url');
    const verifyToken = readParam(req, 'verify_token');
    if (!isHttpUrl(callbackUrl)) return sendJson(res, 400, FAULTS.callbackUrlMissing);
    if (!verifyToken) return sendJson(res, 400, FAULTS.verifyTokenMissing);
    const inFlight = ctx.subscribing;
    const clientId = check.app.clientId;
    if (ctx.state.subscriptions.has(clientId) || inFlight.has(clientId)) {
      return sendJson(res, 400, FAULTS.subscriptionExists);
    }
    inFlight.add(clientId);
    try {
      const result = await validateCallback(callbackUrl, verifyToken, ctx.state.settings.validationTimeoutMs);
      if (!result.ok) {
        ctx.logger.info({ callbackUrl, reason: result.reason }, 'sim subscription validation failed');
        return sendJson(res, 400, FAULTS.callbackNotVerified);
      }
      const now = ctx.clock.now().toISOString();
      const subscription: SimSubscription = {
        id: ctx.state.ids.subscription.next(),
        clientId,
        callbackUrl,
        verifyToken,
        createdAt: now,
        updatedAt: now,
      };
      ctx.state.subscriptions.set(clientId, subscription);
      sendJson(res, 201, { id: presentSubscription(subscription).id });
    } finally {
      inFlight.delete(clientId);
    }
  },
};

/** View: always an array, `[]` when the app has none. */
export const listPushSubscriptions: ApiRoute = {
  method: 'GET',
  path: '/push_subscriptions',
  query: ['client_id', 'client_secret'],
  auth: 'application',
  inSwagger: false,
  handle(ctx, req, res) {
    const check = checkAppCredentials(ctx, req);
    if (!check.ok) return sendJson(res, check.status, check.fault);
    const subscription = ctx.state.subscriptions.get(check.app.clientId);
    sendJson(res, 200, subscription ? [presentSubscription(subscription)] : []);
  },
};

export const deletePushSubscription: ApiRoute = {
  method: 'DELETE',
  path: '/push_subscriptions/{id}',
  query: ['client_id', 'client_secret'],
  auth: 'application',
  inSwagger: false,
  handle(ctx, req, res) {
    const check = checkAppCredentials(ctx, req);
    if (!check.ok) return sendJson(res, check.status, check.fault);
    const subscription = ctx.state.subscriptions.get(check.app.clientId);
    if (!subscription || subscription.id !== String(req.params.id)) {
      return sendJson(res, 404, FAULTS.subscriptionNotFound);
    }
    ctx.state.subscriptions.delete(check.app.clientId);
    res.status(204).end();
  },
};
