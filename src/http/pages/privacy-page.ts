import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { loadSession } from '../session/load-session.js';
import { html } from './html.js';
import { sendPrivatePage } from './layout.js';
import { siteOf } from './page-session.js';

/**
 * The operator's address. There is no separate contact setting, so the
 * sender address (`MAIL_FROM`) stands in: it is the one address an operator
 * must configure to run RampGuard.
 */
export function contactAddress(mailFrom: string): string {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(mailFrom);
  return (angle?.[1] ?? mailFrom).trim();
}

/** `GET /privacy`: use, withdrawal, deletion and contact (docs/strava-api.md#consent-and-privacy asks apps to publish these). */
export function privacyPage(deps: AppDeps): RequestHandler[] {
  const render: RequestHandler = (req, res) => {
    const contact = contactAddress(deps.config.mailFrom);
    sendPrivatePage(res, 200, {
      title: 'Privacy and contact',
      ...siteOf(deps, req),
      body: html`<section class="card" aria-labelledby="use-title">
<h2 id="use-title">What RampGuard uses</h2>
<p>With your permission, RampGuard reads your runs (date, distance, time, heart rate, workout type, shoe) and your shoes from Strava, and the email address you give it. It uses them only to detect ramps in your training, adjust your exercise plan and email you about it.</p>
<p>Your Strava data is shown only to you. It is never sold, shared, or sent to any AI service. Cached runs and shoes are deleted after at most 7 days and read again from Strava when needed; RampGuard keeps its own records (what it detected, your plan and check-ins) until you leave.</p>
</section>
<section class="card" aria-labelledby="leave-title">
<h2 id="leave-title">Withdrawing and deleting</h2>
<p>Disconnect in Settings, or revoke RampGuard's access in your Strava settings: either way RampGuard deletes everything it holds about you at once. Download all of it as JSON from Settings at any time. Every email has a one-click unsubscribe link.</p>
</section>
<section class="card" aria-labelledby="contact-title">
<h2 id="contact-title">Contact</h2>
<p>Questions, or a request about your data: write to <a href="mailto:${contact}">${contact}</a>.</p>
</section>`,
    });
  };
  return [loadSession(deps), render];
}
