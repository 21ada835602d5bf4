import type { Request, Response } from 'express';
import { errorBody, wantsJson } from '../errors.js';
import { html } from '../pages/html.js';
import { sendPage } from '../pages/layout.js';

/** Browsers and clients may come back after this long (the outage is usually a restart). */
export const RETRY_AFTER_SECONDS = 30;

/** The JSON routes' outage message (the webhook's delivery path answers it too). */
export const OUTAGE_JSON_MESSAGE = 'RampGuard is briefly unavailable; please retry in a minute';

/**
 * The answer while Postgres is away (docs/degradation.md): 503 with
 * Retry-After, the docs/contract.md#error-shape for JSON routes, and a calm page for
 * people saying that nothing is lost.
 */
export function sendOutage(req: Request, res: Response): void {
  if (res.headersSent) return;
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  if (wantsJson(req.path)) {
    res.status(503).json(errorBody('unavailable', OUTAGE_JSON_MESSAGE));
    return;
  }
  sendPage(res, 503, {
    title: 'RampGuard is briefly unavailable',
    body: html`<section class="card">
<p>RampGuard cannot reach its database right now, so it cannot show your plan or save changes.</p>
<p>Nothing is lost: your plan, your check-ins and the runs Strava sends meanwhile are kept, and RampGuard catches up as soon as it is back, usually within a few minutes.</p>
<p>Please try again in a minute. <a href="/">Back to RampGuard</a></p>
</section>`,
  });
}
