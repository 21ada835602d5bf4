import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { html } from '../pages/html.js';
import { sendPage } from '../pages/layout.js';
import { limitByIp } from './limit-by-ip.js';

/**
 * Requests per client ip and minute on the one-click link routes (`/unsubscribe`,
 * `/checkin`, `/account/email/verify`). Their tokens are HMAC-signed, so this is
 * not about guessing: it caps what one address can make the database do. Mail
 * providers' link scanners and RFC 8058 one-click POSTs come from a few shared
 * ips, so the limit stays far above what our runners click in a minute; a
 * refused scanner GET changes nothing anyway (docs/front-door.md#brakes).
 */
export const LINK_RATE_LIMIT = 60;

export function limitLinkRequests(deps: AppDeps, name: string): RequestHandler {
  return limitByIp(deps, {
    name,
    limit: LINK_RATE_LIMIT,
    respond: (_req, res, retryAfter) =>
      sendPage(res, 429, {
        title: 'Too many requests',
        sandbox: deps.config.sandbox,
        body: html`<p>Too many requests came from your network in the last minute. Please try the link again in ${String(retryAfter)} seconds.</p>`,
      }),
  });
}
