import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { loadSession } from '../session/load-session.js';
import { html } from './html.js';
import { sendPrivatePage } from './layout.js';
import { siteOf } from './page-session.js';
import { connectButton } from './strava-brand.js';

/**
 * `GET /`: what RampGuard does with a runner's data, in plain words, and the
 * Connect with Strava button. A signed-in runner goes to the plan;
 * `?disconnected=1` confirms that everything was deleted; `?disconnected=pending`
 * says so too, and that the revocation at Strava is still being retried.
 */
export function landingPage(deps: AppDeps): RequestHandler[] {
  const render: RequestHandler = (req, res) => {
    const disconnected = req.query.disconnected === '1' || req.query.disconnected === 'pending';
    const revocationPending = req.query.disconnected === 'pending';
    const signedIn = req.runner !== undefined;
    // A signed-in runner came for their plan (a bookmark of /, the brand link).
    if (signedIn && !disconnected) return void res.set('Cache-Control', 'no-store').redirect(302, '/plan');
    sendPrivatePage(res, 200, {
      title: 'Protect your knees while you build mileage',
      ...siteOf(deps, req),
      heading: false,
      body: html`${
        revocationPending
          ? html`<div class="card notice-warn" role="status"><p>You are disconnected: RampGuard deleted everything it held about you.</p><p>We could not reach Strava yet to revoke RampGuard's access; we keep trying for the next 48 hours. You can also revoke it yourself at <a href="https://www.strava.com/settings/apps">strava.com/settings/apps</a>.</p></div>`
          : disconnected
            ? html`<p class="card notice-ok" role="status">You are disconnected. RampGuard revoked its access to your Strava account and deleted everything it held about you.</p>`
            : ''
      }
<section class="hero" aria-labelledby="hero-title">
<h1 id="hero-title">Protect your knees while you build mileage</h1>
<p class="lead">Knee pain often follows a jump in distance or intensity, or a new pair of shoes. RampGuard watches your Strava runs for those ramps and adjusts a simple physical-therapy plan (leg raises and glute bridges): every day after a ramp, tapering back as your knee feels fine.</p>
${signedIn ? html`<p><a class="button" href="/plan">Open my plan</a></p>` : html`<p>${connectButton()}</p>`}
</section>
<section class="card" aria-labelledby="data-title">
<h2 id="data-title">What RampGuard does with your data</h2>
<ul class="checks">
<li><strong>Reads your runs</strong> from Strava (distance, time, heart rate, shoes) to spot ramps. It never posts or changes anything on Strava.</li>
<li><strong>Never shares them.</strong> Your runs are shown only to you; nothing is sold or passed on.</li>
<li><strong>No AI.</strong> Your data is never sent to any AI service; the rules are simple published thresholds.</li>
<li><strong>Deletes everything when you disconnect</strong>, here or in your Strava settings. You can download all of it as JSON at any time.</li>
<li>Keeps cached runs for at most 7 days; only your plan and what it detected are kept longer.</li>
</ul>
<p>You will be asked for an email address so RampGuard can tell you when your plan changes. Strava never shares it.</p>
</section>
<section class="card" aria-labelledby="limit-title">
<h2 id="limit-title">If Strava says the athlete limit is reached</h2>
<p>Strava limits how many athletes can connect to a small app like RampGuard. If Strava shows "Limit of connected athletes exceeded", nothing was connected and nothing about you was stored; please try again later.</p>
</section>`,
    });
  };
  return [loadSession(deps), render];
}
