import type { AppDeps } from '../app/deps.js';
import { createAccountRouter } from './account/router.js';
import { createApiRouter } from './api/router.js';
import type { Mount } from './app.js';
import { createAuthRouter } from './auth/router.js';
import { createCalendarRouter } from './calendar/router.js';
import { createCheckInRouter } from './checkin/router.js';
import { createEmailVerificationRouter } from './email-verification/router.js';
import { createPagesRouter } from './pages/router.js';
import { createStravaWebhookRouter } from './strava-webhook/route.js';
import { createUnsubscribeRouter } from './unsubscribe/router.js';

/** Every feature router of the web role, in mount order. */
export function createRoutes(deps: AppDeps): Mount[] {
  return [
    { path: '/webhooks/strava', router: createStravaWebhookRouter(deps) },
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
