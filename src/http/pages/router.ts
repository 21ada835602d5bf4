import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { FAVICON_PATH, serveFavicon } from './favicon.js';
import { landingPage } from './landing-page.js';
import { onboardingRoutes } from './onboarding-page.js';
import { postPageCheckIn } from './plan/checkin-section.js';
import { planPage } from './plan/plan-page.js';
import { privacyPage } from './privacy-page.js';
import { disconnectPage } from './settings/disconnect-page.js';
import { settingsPage } from './settings/settings-page.js';
import { resetCalendarLink, updateAlerts, updateEmail, updateUnits } from './settings/update-settings.js';
import { STYLESHEET_PATH, serveStylesheet } from './stylesheet.js';

/**
 * The server-rendered pages (mounted at `/`). Guards are per route (session,
 * same-origin check on every state-changing post), so nothing here touches
 * requests for other routers.
 */
export function createPagesRouter(deps: AppDeps): Router {
  const router = Router();
  const onboarding = onboardingRoutes(deps);
  router.get(STYLESHEET_PATH, serveStylesheet);
  router.get([FAVICON_PATH, '/favicon.svg'], serveFavicon);
  router.get('/', ...landingPage(deps));
  router.get('/privacy', ...privacyPage(deps));
  router.get('/onboarding', ...onboarding.show);
  router.post('/onboarding/email', ...onboarding.submit);
  router.get('/plan', ...planPage(deps));
  router.post('/plan/checkin', ...postPageCheckIn(deps));
  router.get('/settings', ...settingsPage(deps));
  router.post('/settings/email', ...updateEmail(deps));
  router.post('/settings/units', ...updateUnits(deps));
  router.post('/settings/alerts', ...updateAlerts(deps));
  router.post('/settings/calendar-link', ...resetCalendarLink(deps));
  router.get('/settings/disconnect', ...disconnectPage(deps));
  return router;
}
