import type { Response } from 'express';
import { html } from '../pages/html.js';
import { sendPage } from '../pages/layout.js';

export type AuthPage = {
  status: number;
  title: string;
  /** Plain sentences; escaped. */
  paragraphs: readonly string[];
  link: Readonly<{ href: string; label: string }>;
};

/**
 * The few pages the sign-in flow shows itself (refused, failed, invalid
 * link), in the site's layout. Never echoes query values (no code, no state,
 * no Strava error text); never cached, no referrer (the URL held a code).
 */
export function sendAuthPage(res: Response, page: AuthPage, sandbox: boolean): void {
  sendPage(res, page.status, {
    title: page.title,
    sandbox,
    body: html`${page.paragraphs.map((p) => html`<p>${p}</p>`)}
<p><a href="${page.link.href}">${page.link.label}</a></p>`,
  });
}

const HOME = { href: '/', label: 'Back to RampGuard' };

export const PAGES = {
  denied: {
    status: 200,
    title: 'Nothing was connected',
    paragraphs: [
      'You chose not to give RampGuard access to your Strava account, so nothing was connected and nothing about you was stored.',
      'You can connect any time from the start page.',
    ],
    link: HOME,
  },
  invalidState: {
    status: 400,
    title: 'This sign-in link has expired',
    paragraphs: [
      'The link back from Strava was not started from this browser, was already used, or is older than 10 minutes. Nothing was connected.',
      'Please start again from the start page.',
    ],
    link: HOME,
  },
  stravaError: {
    status: 400,
    title: 'Strava did not complete the sign-in',
    paragraphs: [
      'Strava sent you back without an authorization, so nothing was connected.',
      'If Strava said the limit of connected athletes was exceeded, this RampGuard instance cannot take more runners yet.',
    ],
    link: HOME,
  },
  exchangeFailed: {
    status: 502,
    title: 'Strava could not be reached',
    paragraphs: [
      'You approved the connection, but Strava did not confirm it. Nothing was connected.',
      'This is usually temporary: please try again in a few minutes.',
    ],
    link: HOME,
  },
} as const satisfies Record<string, AuthPage>;

/** The refusal of a sign-in start: says when to try again (the same time as the Retry-After header). */
export function signInRateLimitedPage(retryAfterSeconds: number): AuthPage {
  const wait =
    retryAfterSeconds < 90 ? `${retryAfterSeconds} seconds` : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
  return {
    status: 429,
    title: 'Too many sign-in attempts',
    paragraphs: [
      'A lot of sign-ins were started from your network in the last minute, so RampGuard is pausing new ones for a moment.',
      `Please try again in ${wait}.`,
    ],
    link: { href: '/auth/strava', label: 'Try again' },
  };
}
