import express, { type Response, Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { recordCheckIn } from '../../app/record-checkin.js';
import { runnerExists, runnerTimezone } from '../../app/runner/load-runner.js';
import { readCheckInToken } from '../../email/links/check-in-links.js';
import { html } from '../pages/html.js';
import { sendPage } from '../pages/layout.js';
import { FEELING_LABELS } from '../pages/plan/checkin-section.js';
import { limitLinkRequests } from '../rate-limit/link-brake.js';
import { tokenParam } from '../unsubscribe/token-param.js';
import { planSummary } from './plan-summary.js';

const QUESTION: Record<keyof typeof FEELING_LABELS, string> = {
  fine: 'Record that your knee feels fine today?',
  sore: 'Record that your knee is a bit sore today?',
  pain: 'Record that your knee is painful today?',
};

/**
 * One-click check-in from an email (docs/contract.md#http-routes): `GET /checkin?token=…` shows
 * one button for the feeling the token names and changes nothing (mail
 * scanners prefetch links); `POST` to the same URL records it (source
 * `email`) and shows the plan after it. The signed token is the credential,
 * like the unsubscribe link: no cookie needed, so it works on any device.
 * Braked per ip (docs/front-door.md#brakes).
 */
export function createCheckInRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(limitLinkRequests(deps, 'checkin'));
  const claimsOf = (token: string | null) =>
    token ? readCheckInToken(deps.config, token, deps.clock.now()) : null;

  router.get('/', async (req, res) => {
    const token = tokenParam(req);
    const claims = claimsOf(token);
    if (!token || !claims || !(await runnerExists(deps.db, claims.runnerId))) return invalid(deps, res);
    sendPage(res, 200, {
      title: 'How does your knee feel?',
      sandbox: deps.config.sandbox,
      body: html`<section class="card">
<p class="lead">${QUESTION[claims.feeling]}</p>
<form method="post" action="/checkin?token=${encodeURIComponent(token)}">
<button type="submit">${FEELING_LABELS[claims.feeling]}</button>
</form>
<p class="small muted">Wrong button? Check in from <a href="/plan#checkin">your plan page</a> instead.</p>
</section>`,
    });
  });

  router.post('/', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const claims = claimsOf(tokenParam(req));
    const recorded = claims ? await recordCheckIn(deps, claims.runnerId, claims.feeling, 'email') : null;
    if (!claims || !recorded) return invalid(deps, res);
    const timeZone = await runnerTimezone(deps.db, claims.runnerId);
    sendPage(res, 200, {
      title: 'Thanks, check-in recorded',
      sandbox: deps.config.sandbox,
      body: html`<p class="card notice-ok" role="status">Recorded: ${FEELING_LABELS[claims.feeling].toLowerCase()}.</p>
${planSummary(recorded.plan, timeZone)}`,
    });
  });
  return router;
}

function invalid(deps: AppDeps, res: Response): void {
  sendPage(res, 400, {
    title: 'This link does not work',
    sandbox: deps.config.sandbox,
    body: html`<p>The check-in link is invalid or has expired, or the account it belongs to was deleted. Check in from <a href="/plan">your plan page</a> instead.</p>`,
  });
}
