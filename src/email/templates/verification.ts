import { renderLayout, STYLE, textFooter } from './layout.js';
import { httpUrl } from './links.js';
import { displayName, sanitizeHeaders, sanitizeHeaderValue } from './sanitize.js';
import { compileHtml } from './templates.js';
import type { RenderedEmail } from './types.js';

export type VerificationEmailInput = {
  /** Strava first name (untrusted), or empty. */
  firstName: string;
  /** Opens the confirm page (`GET /account/email/verify?token=…`); the page's button verifies. */
  confirmUrl: string;
};

const renderBody = compileHtml<{
  style: typeof STYLE;
  greeting: string;
  confirmUrl: string;
}>(`<p style="<%= it.style.p %>"><%= it.greeting %></p>
<p style="<%= it.style.p %>">Please confirm this address so RampGuard can email you when your knee exercise plan changes.</p>
<p style="margin:16px 0;"><a href="<%= it.confirmUrl %>" style="<%= it.style.button %>">Confirm my email</a></p>
<p style="<%= it.style.small %>">The link opens a page with a confirm button. If you did not ask for this, ignore this email and nothing will be sent to you.</p>
`);

/** Address verification: one link to the confirm page. Transactional, so no List-Unsubscribe. */
export function renderVerificationEmail(input: VerificationEmailInput): RenderedEmail {
  const name = displayName(input.firstName);
  const confirmUrl = httpUrl(input.confirmUrl);
  const greeting = name ? `Hi ${name},` : 'Hi,';
  const html = renderLayout({
    title: 'Confirm your email address',
    preheader: 'One click to start getting knee-plan alerts.',
    bodyHtml: renderBody({ style: STYLE, greeting, confirmUrl }),
    showGuidance: false,
  });
  const text = [
    greeting,
    '',
    'Please confirm this address so RampGuard can email you when your knee exercise plan changes:',
    '',
    confirmUrl,
    '',
    'The link opens a page with a confirm button. If you did not ask for this, ignore this email and nothing will be sent to you.',
    textFooter({ showGuidance: false }),
  ].join('\n');
  return {
    subject: sanitizeHeaderValue('Confirm your email address for RampGuard'),
    text,
    html,
    headers: sanitizeHeaders({ 'Auto-Submitted': 'auto-generated' }),
  };
}
