import { html, type SafeHtml } from './html.js';

/*
 * Strava brand elements (docs/strava-api.md#brand-rules). We cannot fetch Strava's official
 * assets at build time, so these are text-based stand-ins drawn to the
 * guidelines: the Connect button is 48 px high, Strava orange with white
 * text; "Powered by Strava" is a small inline SVG mark, never larger than
 * RampGuard's own name. Swap in the official SVGs from
 * https://developers.strava.com/guidelines/ before Strava's app review.
 */

/** The "Connect with Strava" button: a link to our OAuth start (works without JS). */
export function connectButton(): SafeHtml {
  return html`<a class="connect" href="/auth/strava">Connect with Strava</a>`;
}

/** "Powered by Strava" as an accessible inline SVG (logo text is exempt from contrast rules). */
export function poweredByStrava(): SafeHtml {
  return html`<span class="powered"><svg role="img" aria-label="Powered by Strava" width="176" height="24" viewBox="0 0 176 24" xmlns="http://www.w3.org/2000/svg"><title>Powered by Strava</title><text x="0" y="17" font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" font-size="11" font-weight="600" letter-spacing="0.5" fill="#4b5563">POWERED BY</text><text x="94" y="18" font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" font-size="17" font-weight="800" letter-spacing="1" fill="#fc5200">STRAVA</text></svg></span>`;
}

const ACTIVITY_ID = /^\d{1,20}$/;

/** Strava's activity page, or null for an id that is not a plain number (never build odd URLs). */
export function stravaActivityUrl(activityId: string): string | null {
  return ACTIVITY_ID.test(activityId) ? `https://www.strava.com/activities/${activityId}` : null;
}

/** "View on Strava" (the wording the guidelines require), bold, orange and underlined. */
export function viewOnStrava(activityId: string, context: string): SafeHtml {
  const url = stravaActivityUrl(activityId);
  if (!url) return html``;
  return html`<a class="strava-link" href="${url}">View on Strava<span class="visually-hidden"> (${context})</span></a>`;
}
