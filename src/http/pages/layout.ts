import type { Response } from 'express';
import { FAVICON_PATH } from './favicon.js';
import { html, type SafeHtml } from './html.js';
import { poweredByStrava } from './strava-brand.js';
import { STYLESHEET_PATH } from './stylesheet.js';

/** Where the sandbox banner sends people: the simulator's control page (mounted under /sim). */
export const SIMULATOR_CONTROL_PATH = '/sim/control/ui';
/** Sandbox mode's mailbox: every email RampGuard sent (docs/sandbox.md#sandbox-mail). */
export const SANDBOX_MAIL_PATH = '/sim/mail';

export type PageInput = {
  /** Used for `<title>` ("… · RampGuard") and, unless `heading` says otherwise, the page's `<h1>`. */
  title: string;
  body: SafeHtml;
  /** Sandbox mode: every page says so and links to the simulator (docs/contract.md#environment-variables). */
  sandbox?: boolean;
  /** Shows the signed-in navigation (plan, settings). */
  signedIn?: boolean;
  /** A custom heading block, or false when the body brings its own `<h1>`. */
  heading?: SafeHtml | false;
  /** Reload the page every N seconds (import progress without JavaScript). */
  refreshSeconds?: number;
};

function sandboxBanner(): SafeHtml {
  return html`<p class="banner">Sandbox mode: RampGuard is talking to a built-in Strava simulator, not Strava. <a href="${SIMULATOR_CONTROL_PATH}">Open the simulator's control page</a> · <a href="${SANDBOX_MAIL_PATH}">Sandbox mailbox</a></p>`;
}

function navigation(signedIn: boolean): SafeHtml {
  if (!signedIn) return html``;
  return html`<nav aria-label="Main"><ul>
<li><a href="/plan">My plan</a></li>
<li><a href="/settings">Settings</a></li>
</ul></nav>`;
}

function footer(): SafeHtml {
  return html`<footer class="site-footer">
${poweredByStrava()}
<p>RampGuard reads your Strava runs only to adjust your knee exercise plan. Your data is shown only to you, never shared or sold, never sent to any AI service, and deleted when you disconnect.</p>
<p>RampGuard gives general guidance, not medical advice. RampGuard is not made or endorsed by Strava.</p>
<p><a href="/privacy">Privacy and contact</a></p>
</footer>`;
}

/**
 * Every RampGuard page: header with our name (and the sandbox banner), one
 * `<main>` landmark, footer with the Strava attribution, privacy note and
 * contact link. No scripts at all: everything is plain links and forms.
 */
export function renderPage(page: PageInput): string {
  const heading = page.heading === undefined ? html`<h1>${page.title}</h1>` : page.heading || '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${page.refreshSeconds ? html`<meta http-equiv="refresh" content="${page.refreshSeconds}">` : ''}
<title>${page.title} · RampGuard</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="site">
<div class="site-bar">
<a class="brand" href="/">RampGuard</a>
${navigation(page.signedIn ?? false)}
</div>
${page.sandbox ? sandboxBanner() : ''}
</header>
<main>
<div id="content" tabindex="-1"></div>
${heading}
${page.body}
</main>
${footer()}
</body>
</html>
`.html;
}

/**
 * Pages opened from a link with a token in it (unsubscribe, email
 * verification, check-in): never cached, and the token is never sent on as a
 * referrer. Their forms carry no cookie-based CSRF check, so an `Origin: null`
 * from no-referrer does not matter.
 */
export function sendPage(res: Response, status: number, page: PageInput): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
    .type('html')
    .send(renderPage(page));
}

/**
 * Signed-in pages: never cached (they show one runner's data). The app-wide
 * referrer policy stays, because browsers send `Origin: null` on form posts
 * from no-referrer pages and our same-origin CSRF check needs the real origin.
 */
export function sendPrivatePage(res: Response, status: number, page: PageInput): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(renderPage(page));
}
