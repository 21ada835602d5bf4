import { eq, sql } from 'drizzle-orm';
import express, { type Request, type Response, Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { runners } from '../../db/schema/index.js';
import { holdCurrentAddress } from '../../email/address/current-address-hold.js';
import { readUnsubscribeToken } from '../../email/links/unsubscribe-link.js';
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
    if (!token || !(await currentRunnerOf(deps, token))) return invalid(deps, res);
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
      const runnerId = token ? await currentRunnerOf(deps, token) : null;
      if (!runnerId) return invalid(deps, res);
      const now = deps.clock.now();
      await deps.db.transaction(async (tx) => {
        // coalesce keeps the first unsubscribe time: a repeated POST is a no-op.
        await tx
          .update(runners)
          .set({
            unsubscribedAt: sql`coalesce(${runners.unsubscribedAt}, ${now.toISOString()}::timestamptz)`,
          })
          .where(eq(runners.id, runnerId));
        await holdCurrentAddress(tx, runnerId, 'unsubscribed', now);
      });
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

/** The runner a valid token names, if its link version is still the runner's current one. */
async function currentRunnerOf(deps: AppDeps, token: string): Promise<string | null> {
  const claims = readUnsubscribeToken(deps.config, token, deps.clock.now());
  if (!claims) return null;
  const [runner] = await deps.db
    .select({ linkVersion: runners.linkVersion })
    .from(runners)
    .where(eq(runners.id, claims.runnerId));
  return runner?.linkVersion === claims.linkVersion ? claims.runnerId : null;
}

function invalid(deps: AppDeps, res: Response): void {
  sendPage(res, 400, {
    title: 'This link does not work',
    sandbox: deps.config.sandbox,
    body: html`<p>The unsubscribe link is invalid or has expired. Use the link in a recent RampGuard email.</p>`,
  });
}
