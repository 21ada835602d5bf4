import express, { type Response, Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { verificationTarget, verifyEmailAddress } from '../../email/verification/verify-email-address.js';
import { html } from '../pages/html.js';
import { sendPage } from '../pages/layout.js';
import { limitLinkRequests } from '../rate-limit/link-brake.js';
import { tokenParam } from '../unsubscribe/token-param.js';

export { requestEmailVerification } from '../../email/verification/request-email-verification.js';

/**
 * `GET /account/email/verify?token=…` shows a confirm button (GET never changes
 * state: scanners prefetch links); `POST` to the same URL verifies. The token
 * is bound to the runner and to a hash of the address it was mailed to, so a
 * link sent to an old address cannot verify a new one. Braked per ip
 * (docs/front-door.md#brakes).
 */
export function createEmailVerificationRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(limitLinkRequests(deps, 'email-verify'));
  router.get('/', async (req, res) => {
    const token = tokenParam(req);
    const target = token ? await verificationTarget(deps, token) : null;
    if (!token || !target) return invalid(deps, res);
    if (target.verified) return confirmed(deps, res);
    sendPage(res, 200, {
      title: 'Confirm your email address',
      sandbox: deps.config.sandbox,
      body: html`<p>Confirm this address so RampGuard can email you when your knee exercise plan changes.</p>
<form method="post" action="/account/email/verify?token=${encodeURIComponent(token)}">
<button type="submit">Confirm my email</button>
</form>`,
    });
  });
  router.post('/', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const token = tokenParam(req);
    const target = token ? await verificationTarget(deps, token) : null;
    if (!target) return invalid(deps, res);
    const verified = await verifyEmailAddress(deps, target);
    if (!verified) return invalid(deps, res);
    confirmed(deps, res);
  });
  return router;
}

function confirmed(deps: AppDeps, res: Response): void {
  sendPage(res, 200, {
    title: 'Email address confirmed',
    sandbox: deps.config.sandbox,
    body: html`<p>Thanks: RampGuard will email you when your knee exercise plan changes.</p>
<p><a href="/plan">Open your plan</a></p>`,
  });
}

function invalid(deps: AppDeps, res: Response): void {
  sendPage(res, 400, {
    title: 'This link does not work',
    sandbox: deps.config.sandbox,
    body: html`<p>The confirmation link is invalid, has expired, or is for an address that is no longer on your account. Enter your address again to get a new link.</p>
<p><a class="button" href="/settings#email">Enter my email address again</a></p>
<p class="small muted">Not signed in? <a href="/auth/strava">Connect with Strava</a> first; RampGuard then asks for your address.</p>`,
  });
}
