import { z } from 'zod';
import type { StravaHttp } from './http.js';
import type { AppCredentials } from './oauth.js';
import { type StravaSubscription, toSubscription, ZSubscription, ZSubscriptionList } from './schemas.js';

/**
 * The app's webhook subscription (docs/strava-api.md#subscription), called with the app
 * credentials. Create returns only after Strava's validation GET to the
 * callback succeeded, so it is never retried: a retry could race the first.
 */

export async function createPushSubscription(
  http: StravaHttp,
  app: AppCredentials,
  callbackUrl: string,
  verifyToken: string,
): Promise<{ id: string }> {
  const body = await http.send({
    method: 'POST',
    base: 'api',
    path: '/push_subscriptions',
    endpoint: 'POST /push_subscriptions',
    form: {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      callback_url: callbackUrl,
      verify_token: verifyToken,
    },
    schema: ZSubscription.pick({ id: true }),
    retry: 'never',
    governed: 'budget',
  });
  return { id: body.id };
}

export async function viewPushSubscriptions(
  http: StravaHttp,
  app: AppCredentials,
): Promise<StravaSubscription[]> {
  const list = await http.send({
    method: 'GET',
    base: 'api',
    path: '/push_subscriptions',
    endpoint: 'GET /push_subscriptions',
    params: { client_id: app.clientId, client_secret: app.clientSecret },
    schema: ZSubscriptionList,
    retry: 'idempotent',
    governed: 'budget',
  });
  return list.map(toSubscription);
}

export async function deletePushSubscription(
  http: StravaHttp,
  app: AppCredentials,
  id: string,
): Promise<void> {
  await http.send({
    method: 'DELETE',
    base: 'api',
    path: `/push_subscriptions/${encodeURIComponent(id)}`,
    endpoint: 'DELETE /push_subscriptions/{id}',
    params: { client_id: app.clientId, client_secret: app.clientSecret },
    schema: z.unknown(),
    retry: 'idempotent',
    governed: 'budget',
  });
}
