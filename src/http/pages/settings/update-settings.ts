import type { RequestHandler } from 'express';
import type { AppDeps } from '../../../app/deps.js';
import { resetRunnerLinks } from '../../../app/reset-runner-links.js';
import { loadRunner } from '../../../app/runner/load-runner.js';
import { changeAlerts, changeUnits } from '../../../app/settings/change-settings.js';
import { submitEmail } from '../email-form.js';
import { html } from '../html.js';
import { sendPrivatePage } from '../layout.js';
import { formField, pageForm, pageRunnerId, siteOf } from '../page-session.js';
import { renderSettings } from './settings-page.js';

function badChoice(deps: AppDeps): RequestHandler {
  return (req, res) =>
    sendPrivatePage(res, 400, {
      title: 'Choose one of the options',
      ...siteOf(deps, req),
      body: html`<p>That choice is not one RampGuard offers. <a href="/settings">Back to settings</a></p>`,
    });
}

/** `POST /settings/units`: km or miles for the plan page and emails (same column as `PATCH /api/me/settings`). */
export function updateUnits(deps: AppDeps): RequestHandler[] {
  const handle: RequestHandler = async (req, res, next) => {
    const value = formField(req, 'units');
    if (value !== 'metric' && value !== 'imperial') return badChoice(deps)(req, res, next);
    await changeUnits(deps, pageRunnerId(req), value);
    res.redirect(303, '/settings?saved=units');
  };
  return [...pageForm(deps), handle];
}

/**
 * `POST /settings/alerts`: on or off. Turning alerts on here is an explicit
 * opt-in, so it also lifts an earlier one-click unsubscribe (and the hold it
 * put on the address).
 */
export function updateAlerts(deps: AppDeps): RequestHandler[] {
  const handle: RequestHandler = async (req, res, next) => {
    const value = formField(req, 'alerts');
    if (value !== 'on' && value !== 'off') return badChoice(deps)(req, res, next);
    await changeAlerts(deps, pageRunnerId(req), value === 'on');
    res.redirect(303, '/settings?saved=alerts');
  };
  return [...pageForm(deps), handle];
}

/** `POST /settings/email`: the same use case as `PUT /api/me/email` (re-verification and limits included). */
export function updateEmail(deps: AppDeps): RequestHandler[] {
  const handle: RequestHandler = async (req, res) => {
    const result = await submitEmail(deps, req);
    if (result.ok) {
      return void res.redirect(
        303,
        result.status === 'already-verified' ? '/settings' : '/settings?saved=email',
      );
    }
    const runner = await loadRunner(deps.db, pageRunnerId(req));
    if (!runner) return void res.redirect(303, '/');
    renderSettings(deps, req, res, runner, result);
  };
  return [...pageForm(deps), handle];
}

/**
 * `POST /settings/calendar-link`: "Reset my calendar link". The old feed URL
 * (and every earlier unsubscribe link) stops working; the plan page shows the new one.
 */
export function resetCalendarLink(deps: AppDeps): RequestHandler[] {
  const handle: RequestHandler = async (req, res) => {
    await resetRunnerLinks(deps, pageRunnerId(req));
    res.redirect(303, '/settings?saved=calendar');
  };
  return [...pageForm(deps), handle];
}
