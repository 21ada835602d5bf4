import type { RequestHandler } from 'express';
import type { AppDeps } from '../../../app/deps.js';
import { html } from '../html.js';
import { sendPrivatePage } from '../layout.js';
import { pageSession, siteOf } from '../page-session.js';

/**
 * `GET /settings/disconnect`: the confirm step. Its button posts to
 * `POST /account/disconnect`, which deauthorizes at Strava, deletes every row
 * and lands on `/?disconnected=1`.
 */
export function disconnectPage(deps: AppDeps): RequestHandler[] {
  const render: RequestHandler = (req, res) => {
    sendPrivatePage(res, 200, {
      title: 'Disconnect and delete your data?',
      ...siteOf(deps, req),
      body: html`<section class="card notice-warn">
<p>RampGuard will revoke its access to your Strava account and delete everything it holds about you: cached runs and shoes, detections, your plan and its history, check-ins and your email address. This cannot be undone.</p>
<p>Want a copy first? <a href="/account/export">Download all your data (JSON)</a></p>
<form class="inline" method="post" action="/account/disconnect"><button type="submit" class="danger">Yes, disconnect and delete</button></form>
<a class="button secondary" href="/settings">Cancel</a>
</section>`,
    });
  };
  return [...pageSession(deps), render];
}
