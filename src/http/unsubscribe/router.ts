import express, { type Request, type Response, Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { runnerOfUnsubscribeToken, unsubscribeRunner } from '../../email/address/unsubscribe-runner.js';
import { limitLinkRequests } from '../rate-limit/link-brake.js';
import { html, sendPage } from './page.js';
import { tokenParam } from './token-param.js';

export { unsubscribeUrl } from '../../email/links/unsubscribe-link.js';

/**
 * `GET,POST /unsubscribe?token=…`, one-click unsubscribe (RFC 8058).
 * GET only shows a page with a button: mail scanners prefetch links, so it
 * never changes anything. POST unsubscribes: the signed token is the only
 * credential (no cookie, no CSRF token: one-click clients send neither), the
 * body (`List-Unsubscribe=One-Click`, or empty) is not needed, and the answer
 * is a plain 200 page, never a redirect. Repeating it changes nothing.
 *
 * The token must carry the runner's current link version (a reset in
 * settings kills older links), and the unsubscribed address goes on hold: no
 * verification email to it until the runner confirms it
 * (docs/front-door.md#email-abuse). Invalid links are braked per ip.
 */
export function createUnsubscribeRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(limitLinkRequests(deps, 'unsubscribe'));
  router.get('/', async (req, res) => {
    const token = tokenParam(req);
    if (!token || !(await runnerOfUnsubscribeToken(deps, token))) return invalid(deps, res);
    sendPage(res, 200, {
      title: 'Unsubscribe from RampGuard emails',
      sandbox: deps.config.sandbox,
      body: html`<p>Stop all alert and reminder emails from RampGuard? Your plan stays on the plan page.</p>
<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}">
<button type="submit">Unsubscribe</button>
</form>`,
    });
  });
  router.post(
    '/',
    express.urlencoded({ extended: false, limit: '1kb' }),
    async (req: Request, res: Response) => {
      const token = tokenParam(req);
      const runnerId = token ? await runnerOfUnsubscribeToken(deps, token) : null;
      if (!runnerId) return invalid(deps, res);
      await unsubscribeRunner(deps, runnerId);
      sendPage(res, 200, {
        title: 'You are unsubscribed',
        sandbox: deps.config.sandbox,
        body: html`<p>RampGuard will not send you alert or reminder emails any more.</p>
<p><a href="/plan">Open your plan</a></p>`,
      });
    },
  );
  return router;
}

function invalid(deps: AppDeps, res: Response): void {
  sendPage(res, 400, {
    title: 'This link does not work',
    sandbox: deps.config.sandbox,
    body: html`<p>The unsubscribe link is invalid or has expired. Use the link in a recent RampGuard email.</p>`,
  });
}
