import type { AppDeps } from '../app/deps.js';
import { createAccountRouter } from './account/router.js';
import { createApiRouter } from './api/router.js';
import type { Mount } from './app.js';
import { createAuthRouter } from './auth/router.js';
import { createCalendarRouter } from './calendar/router.js';
import { createCheckInRouter } from './checkin/router.js';
import { createEmailVerificationRouter } from './email-verification/router.js';
import { createPagesRouter } from './pages/router.js';
import type { EventReceiver } from './strava-webhook/event-receiver.js';
import { createStravaWebhookRouter } from './strava-webhook/route.js';
import { createUnsubscribeRouter } from './unsubscribe/router.js';

/**
 * Every feature router of the web role, in mount order. `eventReceiver` is the
 * one the server also answers deliveries with before express (src/server.ts).
 */
export function createRoutes(deps: AppDeps, eventReceiver?: EventReceiver): Mount[] {
  return [
    {
      path: '/webhooks/strava',
      router: createStravaWebhookRouter(deps, eventReceiver ? { receiver: eventReceiver } : {}),
    },
    { path: '/unsubscribe', router: createUnsubscribeRouter(deps) },
    { path: '/account/email/verify', router: createEmailVerificationRouter(deps) },
    { path: '/auth', router: createAuthRouter(deps) },
    { path: '/api', router: createApiRouter(deps) },
    { path: '/account', router: createAccountRouter(deps) },
    { path: '/checkin', router: createCheckInRouter(deps) },
    { path: '/plan.ics', router: createCalendarRouter(deps) },
    // Last: the pages router answers only its own paths (/, /plan, /settings, …).
    { path: '/', router: createPagesRouter(deps) },
  ];
}
